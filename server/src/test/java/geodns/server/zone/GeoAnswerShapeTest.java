package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The shape of geo answers: address families, TTL, max-answers rotation, CNAMEs to geo names, NODATA and NXDOMAIN. */
class GeoAnswerShapeTest extends GeoAnswersWorld {
    // ---- families ----

    @Test
    void aaaaComesFromTheNearestLocation() {
        Message reply = viaSubnet("app.example.com", Type.AAAA, "10.1.2.0/24");
        assertEquals(SINGAPORE_V6, addresses(reply, Type.AAAA));
        assertEquals(16, scope(reply));
    }

    @Test
    void aaaaCarriesOnlyTheNodesThatHaveIpv6() {
        assertEquals(LONDON_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "10.2.3.0/24"), Type.AAAA));
    }

    @Test
    void aaaaSkipsTheNearestLocationWhenItHasNoIpv6() {
        assertEquals(FRANKFURT, a(viaSubnet("app.example.com", Type.A, "10.4.5.0/24")), "Munich's A: frankfurt");
        assertEquals(LONDON_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "10.4.5.0/24"), Type.AAAA),
                "Munich's AAAA: frankfurt has none, london is next");
    }

    @Test
    void aaaaIsNodataWhenNoLocationHasIpv6() {
        Message reply = viaSubnet("v4.example.com", Type.AAAA, "10.4.5.0/24");
        assertNodata(reply);
        assertEquals(FRANKFURT, a(viaSubnet("v4.example.com", Type.A, "10.4.5.0/24")));
    }

    @Test
    void aaaaForAnIpv6ClientSubnet() {
        assertEquals(SINGAPORE_V6, addresses(viaSubnet("app.example.com", Type.AAAA, "2001:db8:1:200::/56"),
                Type.AAAA));
    }

    // ---- the shape of geo answers ----

    @Test
    void geoAnswerIsAuthoritativeWithTheConfiguredTtl() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.1.2.0/24");
        assertTrue(reply.getHeader().getFlag(Flags.AA));
        assertTrue(reply.getSection(Section.ANSWER).stream().allMatch(r -> r.getTTL() == 45));
        assertTrue(viaSubnet("v4.example.com", Type.A, "10.1.2.0/24").getSection(Section.ANSWER).stream()
                .allMatch(r -> r.getTTL() == 30), "the default TTL is 30");
    }

    @Test
    void maxAnswersCapsTheAnswer() {
        for (int i = 0; i < 20; i++) {
            Message reply = viaSubnet("capped.example.com", Type.A, "10.2.3.0/24");
            assertEquals(2, reply.getSection(Section.ANSWER).size());
            assertTrue(LONDON.containsAll(a(reply)));
            assertEquals(2, a(reply).size(), "two different nodes");
        }
    }

    @Test
    void maxAnswersRotatesSoEveryNodeIsAnswered() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200 && !seen.equals(LONDON); i++) {
            seen.addAll(a(viaSubnet("capped.example.com", Type.A, "10.2.3.0/24")));
        }
        assertEquals(LONDON, seen);
    }

    @Test
    void withoutACapEveryNodeOfTheLocationIsAnswered() {
        assertEquals(3, viaSubnet("app.example.com", Type.A, "10.2.3.0/24").getSection(Section.ANSWER).size());
    }

    @Test
    void cnameToAGeoNameAnswersTheCnameAndTheNearestAddresses() {
        Message reply = viaSubnet("alias.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NOERROR, reply.getRcode());
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(Type.CNAME, answer.get(0).getType());
        assertEquals("alias.example.com.", answer.get(0).getName().toString());
        assertEquals("app.example.com.", answer.get(0).rdataToString());
        assertEquals(SINGAPORE, a(reply));
        assertTrue(answer.stream().skip(1).allMatch(r -> r.getName().toString().equals("app.example.com.")));
        assertEquals(16, scope(reply));
    }

    @Test
    void cnameToAGeoNameFollowsTheClient() {
        assertEquals(SEATTLE, a(viaSubnet("alias.example.com", Type.A, "10.3.4.0/24")));
        assertEquals(LONDON_V6, addresses(viaSubnet("alias.example.com", Type.AAAA, "10.2.3.0/24"), Type.AAAA));
    }

    @Test
    void cnameChainToAGeoNameAnswersEveryCnameAndTheNearestAddresses() {
        Message reply = viaSubnet("alias2.example.com", Type.A, "10.1.2.0/24");
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(List.of(Type.CNAME, Type.CNAME), answer.stream().limit(2).map(Record::getType).toList());
        assertEquals(SINGAPORE, a(reply));
    }

    @Test
    void cnameToAGeoNameAskedForAnotherTypeIsTheCnameAndNodata() {
        Message reply = viaSubnet("alias.example.com", Type.MX, "10.1.2.0/24");
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals(List.of(Type.CNAME), reply.getSection(Section.ANSWER).stream().map(Record::getType).toList());
        assertEquals(Type.SOA, reply.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void geoNamesOtherTypesAreNodataWithSoa() {
        assertNodata(viaSubnet("app.example.com", Type.MX, "10.1.2.0/24"));
        assertNodata(viaSubnet("app.example.com", Type.TXT, "10.1.2.0/24"));
    }

    @Test
    void namesBelowAGeoNameAreNxdomain() {
        Message reply = viaSubnet("x.app.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NXDOMAIN, reply.getRcode());
        assertEquals(Type.SOA, reply.getSection(Section.AUTHORITY).get(0).getType());
    }

    @Test
    void anyAtAGeoNameAnswersTheNearestAddresses() {
        assertEquals(SINGAPORE, a(viaSubnet("app.example.com", Type.ANY, "10.1.2.0/24")));
    }

    @Test
    void geoNameMatchesCaseInsensitively() {
        assertEquals(SINGAPORE, a(viaSubnet("APP.Example.COM", Type.A, "10.1.2.0/24")));
    }

    @Test
    void geoNameInAnotherZoneFollowsItsOwnLocationsAndOrder() {
        assertEquals(SEATTLE, a(viaSubnet("app.example.net", Type.A, "10.2.3.0/24")), "Madrid: seattle is nearer");
        assertEquals(SINGAPORE, a(viaSubnet("app.example.net", Type.A, "10.1.2.0/24")), "Sydney");
        assertEquals(SEATTLE, a(viaSubnet("app.example.net", Type.A, "10.99.0.0/24")), "unknown: seattle first");
    }

    @Test
    void geoNameAboveZoneDataKeepsTheDataBelowIt() {
        assertEquals(LONDON, a(viaSubnet("ent.example.com", Type.A, "10.1.2.0/24")), "ent spans london only");
        assertEquals(Set.of("192.0.2.99"), a(viaSubnet("x.ent.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(Rcode.NXDOMAIN, viaSubnet("y.ent.example.com", Type.A, "10.1.2.0/24").getRcode());
    }
}
