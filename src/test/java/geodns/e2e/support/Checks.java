package geodns.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/** Assertions shared by the behaviour tests; each failure message carries the whole reply. */
public final class Checks {
    /** The apex SOA as every client prints it. */
    public static final String SOA_DATA = "ns1.example.com. hostmaster.example.com. 2026112301 7200 900 1209600 300";
    /** min(SOA TTL 3600, SOA MINIMUM 300): the TTL of the SOA in negative answers (RFC 2308 section 3). */
    public static final long NEGATIVE_TTL = 300;

    private Checks() {
    }

    public static void rcode(Reply reply, String expected) {
        assertEquals(expected, reply.rcode(), () -> "rcode of" + reply);
    }

    public static void flagSet(Reply reply, String flag) {
        assertTrue(reply.flag(flag), () -> "flag " + flag + " should be set in" + reply);
    }

    public static void flagClear(Reply reply, String flag) {
        assertFalse(reply.flag(flag), () -> "flag " + flag + " should be clear in" + reply);
    }

    /** The answer section, as "owner TYPE data" keys in order (owner lower-cased, TTLs ignored). */
    public static void answer(Reply reply, String... expectedKeys) {
        assertEquals(List.of(expectedKeys), Reply.keys(reply.answer()), () -> "answer section of" + reply);
    }

    /** The answer section holds exactly these records, in any order. */
    public static void answerInAnyOrder(Reply reply, String... expectedKeys) {
        assertEquals(java.util.Set.of(expectedKeys), Reply.keySet(reply.answer()),
                () -> "answer section of" + reply);
        assertEquals(expectedKeys.length, reply.answer().size(), () -> "answer count of" + reply);
    }

    public static void emptyAnswer(Reply reply) {
        assertTrue(reply.answer().isEmpty(), () -> "answer section should be empty in" + reply);
    }

    /** Authority is exactly the apex SOA, with the RFC 2308 negative TTL. */
    public static void soaInAuthorityWithNegativeTtl(Reply reply) {
        assertEquals(1, reply.authority().size(), () -> "authority should be the SOA alone in" + reply);
        Rr soa = reply.authority().get(0);
        assertEquals("example.com. SOA " + SOA_DATA, soa.key(), () -> "authority of" + reply);
        assertEquals(NEGATIVE_TTL, soa.ttl(), () -> "negative TTL (SOA TTL in authority) of" + reply);
    }

    /** An authoritative NXDOMAIN or NODATA for the example zone. */
    public static void negative(Reply reply, String rcode) {
        rcode(reply, rcode);
        flagSet(reply, "aa");
        emptyAnswer(reply);
        soaInAuthorityWithNegativeTtl(reply);
    }

    public static void nodata(Reply reply) {
        negative(reply, "NOERROR");
    }

    public static void nxdomain(Reply reply) {
        negative(reply, "NXDOMAIN");
    }
}
