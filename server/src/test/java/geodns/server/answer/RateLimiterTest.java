package geodns.server.answer;

import geodns.server.wire.Network;
import static geodns.server.answer.RateLimiter.Verdict.DROP;
import static geodns.server.answer.RateLimiter.Verdict.SEND;
import static geodns.server.answer.RateLimiter.Verdict.SLIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import geodns.server.answer.RateLimiter.Kind;
import geodns.server.answer.RateLimiter.Verdict;
import geodns.server.testing.Packet;
import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limiter's accounting, on a clock the test moves: budgets, debt (window), slip, networks, ECS, exemptions. */
class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private long now = 5 * SECOND;

    private RateLimiter limiter(int rate, int slip, int window, List<Network> exempt) {
        return new RateLimiter(new RateLimiter.Settings(rate, slip, window, exempt), () -> now, 42);
    }

    private RateLimiter limiter(int rate, int slip, int window) {
        return limiter(rate, slip, window, List.of());
    }

    private static Query from(String source) throws Exception {
        Query q = new Query();
        byte[] packet = Packet.query(0).question("www.example.com", 1).build();
        assertEquals(ParseResult.QUERY, QueryParser.parse(packet, packet.length, q));
        q.source(InetAddress.getByName(source));
        return q;
    }

    /** A query from {@code source} with the client subnet 10.x.y.0/prefix (prefix 17 to 32). */
    private static Query withSubnet(String source, int x, int y, int prefix) throws Exception {
        Query q = new Query();
        byte[] subnet = prefix > 24 ? Packet.clientSubnet(1, prefix, 0, 10, x, y, 0)
                : Packet.clientSubnet(1, prefix, 0, 10, x, y);
        byte[] packet = Packet.query(1).question("www.example.com", 1).opt(1232, 0, false, subnet).build();
        assertEquals(ParseResult.QUERY, QueryParser.parse(packet, packet.length, q));
        q.source(InetAddress.getByName(source));
        return q;
    }

    private static List<Verdict> check(RateLimiter limiter, Query q, Kind kind, int times) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            verdicts.add(limiter.check(q, kind));
        }
        return verdicts;
    }

    private static long count(List<Verdict> verdicts, Verdict which) {
        return verdicts.stream().filter(v -> v == which).count();
    }

    @Test
    void aNetworkGetsRateResponsesInASecondThenIsLimited() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        List<Verdict> verdicts = check(limiter, from("192.0.2.1"), Kind.ANSWER, 25);
        assertEquals(10, count(verdicts, SEND));
        assertEquals(List.of(SEND), verdicts.subList(9, 10));
        assertEquals(15, count(verdicts, DROP));
    }

    @Test
    void theBudgetRefillsEverySecond() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        Query q = from("192.0.2.1");
        check(limiter, q, Kind.ANSWER, 10);
        assertEquals(DROP, limiter.check(q, Kind.ANSWER));
        now += SECOND;
        assertEquals(9, count(check(limiter, q, Kind.ANSWER, 10), SEND), "one second refills 10, one is debt");
    }

    @Test
    void aSteadyClientBelowTheRateIsNeverLimited() throws Exception {
        RateLimiter limiter = limiter(10, 2, 15);
        Query q = from("192.0.2.1");
        for (int second = 0; second < 60; second++) {
            assertEquals(9, count(check(limiter, q, Kind.ANSWER, 9), SEND), "second " + second);
            now += SECOND;
        }
    }

    @Test
    void aFloodingNetworkStaysLimitedForTheWindowAfterItStops() throws Exception {
        RateLimiter limiter = limiter(10, 0, 3);
        Query q = from("192.0.2.1");
        check(limiter, q, Kind.ANSWER, 1000); // deep in debt: the debt stops at 3 s worth (30)
        now += 3 * SECOND;
        assertEquals(DROP, limiter.check(q, Kind.ANSWER), "still paying the debt after 3 quiet seconds");
        now += 2 * SECOND;
        assertEquals(SEND, limiter.check(q, Kind.ANSWER), "answered again after the window");
    }

    @Test
    void everySlipThLimitedResponseIsTruncated() throws Exception {
        RateLimiter limiter = limiter(4, 3, 1);
        List<Verdict> verdicts = check(limiter, from("192.0.2.1"), Kind.ANSWER, 13);
        assertEquals(List.of(SEND, SEND, SEND, SEND, DROP, DROP, SLIP, DROP, DROP, SLIP, DROP, DROP, SLIP), verdicts);
    }

    @Test
    void slipOneTruncatesEveryLimitedResponseAndSlipZeroNone() throws Exception {
        List<Verdict> one = check(limiter(2, 1, 1), from("192.0.2.1"), Kind.ANSWER, 6);
        assertEquals(List.of(SEND, SEND, SLIP, SLIP, SLIP, SLIP), one);
        List<Verdict> zero = check(limiter(2, 0, 1), from("192.0.2.1"), Kind.ANSWER, 6);
        assertEquals(List.of(SEND, SEND, DROP, DROP, DROP, DROP), zero);
    }

    @Test
    void addressesInOneSlash24ShareABudget() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        check(limiter, from("192.0.2.1"), Kind.ANSWER, 10);
        assertEquals(DROP, limiter.check(from("192.0.2.200"), Kind.ANSWER));
        assertEquals(SEND, limiter.check(from("192.0.3.1"), Kind.ANSWER), "the next /24 is another client");
    }

    @Test
    void ipv6AddressesInOneSlash56ShareABudget() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        check(limiter, from("2001:db8:0:100::1"), Kind.ANSWER, 10);
        assertEquals(DROP, limiter.check(from("2001:db8:0:1ff::9"), Kind.ANSWER));
        assertEquals(SEND, limiter.check(from("2001:db8:0:200::1"), Kind.ANSWER), "the next /56 is another client");
    }

    @Test
    void eachKindHasItsOwnBudget() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        Query q = from("192.0.2.1");
        check(limiter, q, Kind.NEGATIVE, 10);
        assertEquals(DROP, limiter.check(q, Kind.NEGATIVE));
        assertEquals(SEND, limiter.check(q, Kind.ANSWER));
        assertEquals(SEND, limiter.check(q, Kind.ERROR));
    }

    @Test
    void aResolverAnsweringForManyClientSubnetsIsNotLimitedAsAWhole() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        long sent = 0;
        for (int subnet = 0; subnet < 15; subnet++) {
            sent += count(check(limiter, withSubnet("198.51.100.7", 1, subnet, 24), Kind.ANSWER, 10), SEND);
        }
        assertEquals(150, sent, "15 client subnets, 10 each: 15 times the rate from one resolver");
    }

    @Test
    void oneClientSubnetFloodingThroughAResolverIsLimited() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        Query flooding = withSubnet("198.51.100.7", 1, 1, 24);
        assertEquals(10, count(check(limiter, flooding, Kind.ANSWER, 30), SEND));
        assertEquals(SEND, limiter.check(withSubnet("198.51.100.7", 1, 2, 24), Kind.ANSWER),
                "another client subnet through the same resolver");
    }

    @Test
    void clientSubnetsFinerThanASlash24CountAsTheirSlash24() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        for (int i = 0; i < 10; i++) {
            limiter.check(withSubnet("198.51.100.7", 1, 1, 32), Kind.ANSWER);
        }
        assertEquals(DROP, limiter.check(withSubnet("198.51.100.7", 1, 1, 28), Kind.ANSWER));
    }

    @Test
    void aResolverRotatingClientSubnetsGainsSixteenTimesTheRateAtMost() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        long sent = 0;
        for (int subnet = 0; subnet < 250; subnet++) {
            sent += count(check(limiter, withSubnet("198.51.100.7", 2, subnet, 24), Kind.ANSWER, 2), SEND);
        }
        assertEquals(10 * RateLimiter.ECS_AGGREGATE_FACTOR, sent);
    }

    @Test
    void errorsAreAccountedToTheSenderWhateverTheClientSubnet() throws Exception {
        RateLimiter limiter = limiter(10, 0, 1);
        long sent = 0;
        for (int subnet = 0; subnet < 20; subnet++) {
            sent += count(check(limiter, withSubnet("198.51.100.7", 3, subnet, 24), Kind.ERROR, 1), SEND);
        }
        assertEquals(10, sent);
    }

    @Test
    void exemptSendersAreNeverLimited() throws Exception {
        RateLimiter limiter = limiter(1, 0, 1, RateLimiter.Settings.DEFAULT_EXEMPT);
        assertEquals(100, count(check(limiter, from("127.0.0.1"), Kind.ANSWER, 100), SEND));
        assertEquals(100, count(check(limiter, from("127.9.9.9"), Kind.ANSWER, 100), SEND));
        assertEquals(100, count(check(limiter, from("::1"), Kind.ANSWER, 100), SEND));
        assertEquals(1, count(check(limiter, from("::2"), Kind.ANSWER, 100), SEND));
        assertEquals(1, count(check(limiter, from("128.0.0.1"), Kind.ANSWER, 100), SEND));
    }

    @Test
    void aStaleSlotFromLongAgoStartsFull() throws Exception {
        RateLimiter limiter = limiter(10, 0, 60);
        Query q = from("192.0.2.1");
        check(limiter, q, Kind.ANSWER, 10_000);
        now += 3600 * SECOND;
        assertEquals(10, count(check(limiter, q, Kind.ANSWER, 10), SEND));
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> limiter(0, 2, 15));
        assertThrows(IllegalArgumentException.class, () -> limiter(10, 16, 15));
        assertThrows(IllegalArgumentException.class, () -> limiter(10, 2, 0));
    }
}
