package geodns.server.answer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Decisions for whole IPv4 /16 blocks, indexed by the block's number: a GeoIP network of /16 or wider (a
 * country's or a large ISP's block, or a range the database does not know) gives every client in it the same
 * decision, so it is decided once for all its /24 groups rather than once per group.
 *
 * <p>The index is 65,536 references (256 KiB), small enough to stay in the CPU's cache, where the per-group
 * {@link DecisionCache} of a busy server does not: a client in such a block costs no GeoIP lookup and no cache
 * miss, however many groups of it arrive. Clients of narrower networks find nothing here and go on to the
 * per-group cache.
 */
final class Ipv4Blocks {
    static final int PREFIX = 16;
    private static final VarHandle BLOCK = MethodHandles.arrayElementVarHandle(Route[][].class);

    private final Route[][] blocks = new Route[1 << PREFIX][];

    /** The decision for the /16 holding this IPv4 address, or null when its block is not one network (yet). */
    Route[] get(byte[] address) {
        return (Route[]) BLOCK.getAcquire(blocks, block(address));
    }

    /** Records the decision for the /16 holding this address, which lies in a network of {@link #PREFIX} or wider. */
    void put(byte[] address, Route[] routes) {
        BLOCK.setRelease(blocks, block(address), routes);
    }

    private static int block(byte[] address) {
        return (address[0] & 0xff) << 8 | address[1] & 0xff;
    }
}
