package geodns.server.route;

/** MurmurHash3's 64-bit finalizer, for the tables of the hot path. */
public final class Murmur {
    private Murmur() {
    }

    /**
     * Every input bit moves every output bit, and it is a bijection: the mixed value identifies the input as well
     * as the input does, which lets {@link DecisionCache} keep only part of it.
     */
    public static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
