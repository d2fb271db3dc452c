package geodns.server.route;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Decisions for whole IPv4 /16 blocks, indexed by the block's number: a /16 inside a block of equal answers for
 * every geo name ({@link WidestScopes}: a country's or a large ISP's networks, or a range the database does not
 * know) gives every client in it the same decision, so it is decided once for all its /24 groups rather than once
 * per group.
 *
 * <p>The index is 65,536 decision numbers (128 KiB), small enough to stay in the CPU's cache, where the per-group
 * {@link DecisionCache} of a busy server does not; the few distinct decisions they name stay there too. A client
 * in such a block costs no GeoIP lookup and no cache miss, however many groups of it arrive. Clients of narrower
 * networks find nothing here and go on to the per-group cache, as do blocks whose decision got no number.
 */
final class Ipv4Blocks {
    static final int PREFIX = 16;
    private static final VarHandle BLOCK = MethodHandles.arrayElementVarHandle(char[].class);

    private final char[] blocks = new char[1 << PREFIX];
    private final DecisionNumbers decisions;

    /** @param decisions numbers the decisions; numbers up to 65,535 fit a block's slot */
    Ipv4Blocks(DecisionNumbers decisions) {
        if (decisions.capacity() > Character.MAX_VALUE + 1) {
            throw new IllegalArgumentException("decision numbers beyond a char: " + decisions.capacity());
        }
        this.decisions = decisions;
    }

    /** The decision for the /16 holding this IPv4 address, or null when its block is not one network (yet). */
    Route[] get(byte[] address) {
        char number = (char) BLOCK.getAcquire(blocks, block(address));
        return number == 0 ? null : decisions.get(number);
    }

    /** Records the decision for the /16 holding this address, whose every scope is {@link #PREFIX} or wider. */
    void put(byte[] address, Route[] routes) {
        int number = decisions.numberOf(routes);
        if (number != 0) {
            BLOCK.setRelease(blocks, block(address), (char) number);
        }
    }

    /**
     * Forgets every decision (a racing put may keep one: it is still true, only narrower than the new ones).
     */
    void clear() {
        for (int i = 0; i < blocks.length; i++) {
            BLOCK.setRelease(blocks, i, (char) 0);
        }
    }

    private static int block(byte[] address) {
        return (address[0] & 0xff) << 8 | address[1] & 0xff;
    }
}
