package geodns.server.route;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class Ipv4BlocksTest {
    private static final Route[] LONDON_FIRST = {new Route(new int[] {0, 1}, 16)};
    private static final Route[] FRANKFURT_FIRST = {new Route(new int[] {1, 0}, 8)};

    /** As a query carries a client's address: in a 16-byte buffer, IPv4 in its first four. */
    private static byte[] ipv4(int a, int b, int c) {
        byte[] address = new byte[16];
        address[0] = (byte) a;
        address[1] = (byte) b;
        address[2] = (byte) c;
        return address;
    }

    @Test
    void everyGroupOfABlockFindsTheBlocksDecision() {
        Ipv4Blocks blocks = new Ipv4Blocks(new DecisionNumbers(16));
        blocks.put(ipv4(81, 2, 69), LONDON_FIRST);
        assertSame(LONDON_FIRST, blocks.get(ipv4(81, 2, 0)));
        assertSame(LONDON_FIRST, blocks.get(ipv4(81, 2, 255)));
    }

    @Test
    void theNeighbouringBlockIsNotAnsweredFromIt() {
        Ipv4Blocks blocks = new Ipv4Blocks(new DecisionNumbers(16));
        blocks.put(ipv4(81, 2, 69), LONDON_FIRST);
        assertNull(blocks.get(ipv4(81, 3, 69)));
        assertNull(blocks.get(ipv4(82, 2, 69)));
    }

    @Test
    void blocksWithEqualDecisionsShareOneCopy() {
        Ipv4Blocks blocks = new Ipv4Blocks(new DecisionNumbers(16));
        blocks.put(ipv4(81, 2, 69), LONDON_FIRST);
        blocks.put(ipv4(5, 9, 1), new Route[] {new Route(new int[] {0, 1}, 16)});
        assertSame(LONDON_FIRST, blocks.get(ipv4(5, 9, 1)));
    }

    @Test
    void aBlockAndAGroupSharingTheirNumbersShareOneCopy() {
        DecisionNumbers numbers = new DecisionNumbers(16);
        Ipv4Blocks blocks = new Ipv4Blocks(numbers);
        DecisionCache groups = new DecisionCache(16, 8, numbers);
        blocks.put(ipv4(81, 2, 69), LONDON_FIRST);
        long group = ClientGroup.key(1, ipv4(5, 9, 1), 24);
        groups.put(group, new Route[] {new Route(new int[] {0, 1}, 16)});
        assertSame(LONDON_FIRST, groups.get(group));
    }

    @Test
    void aBlockWhoseDecisionFindsNoFreeNumberIsNotKept() {
        Ipv4Blocks blocks = new Ipv4Blocks(new DecisionNumbers(2));  // room for one distinct decision
        blocks.put(ipv4(81, 2, 69), LONDON_FIRST);
        blocks.put(ipv4(5, 9, 1), FRANKFURT_FIRST);
        assertSame(LONDON_FIRST, blocks.get(ipv4(81, 2, 69)));
        assertNull(blocks.get(ipv4(5, 9, 1)));
    }
}
