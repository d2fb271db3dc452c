package geodns.e2e;

import static geodns.e2e.support.GeoWorld.BERLIN;
import static geodns.e2e.support.GeoWorld.FRANKFURT;
import static geodns.e2e.support.GeoWorld.LONDON;
import static geodns.e2e.support.GeoWorld.LOS_ANGELES;
import static geodns.e2e.support.GeoWorld.MADRID;
import static geodns.e2e.support.GeoWorld.NEW_YORK;
import static geodns.e2e.support.GeoWorld.SAO_PAULO;
import static geodns.e2e.support.GeoWorld.SEATTLE;
import static geodns.e2e.support.GeoWorld.SINGAPORE;
import static geodns.e2e.support.GeoWorld.SYDNEY;
import static geodns.e2e.support.GeoWorld.TOKYO;
import static geodns.e2e.support.GeoWorld.VANCOUVER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Checks;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeoWorld.City;
import geodns.e2e.support.GeoWorld.Location;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.Via;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Geo names answer each client with the nodes of its location's nearest location (issue 3), placed by the GeoIP
 * test database of {@link GeoWorld}: through the client subnet (ECS) or the query's source address, over UDP and
 * TCP, with dig and dnsjava. The geo config is {@link GeoServer#GEO_YAML}.
 */
@ExtendWith(GeoServer.class)
class GeoAnswersTest {
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    static Stream<Arguments> citiesByEveryClient() {
        return GeoWorld.CITIES.stream().flatMap(city -> Stream.of(Via.values()).map(via -> Arguments.of(city, via)));
    }

    /** The answer holds exactly the addresses {@code expected} has for {@code type}: all its nodes, no other. */
    static void answeredFrom(Location expected, String type, GeoQuery.Result result, String client) {
        Reply reply = result.reply();
        Checks.rcode(reply, "NOERROR");
        Checks.flagSet(reply, "aa");
        Set<String> got = GeoWorld.addresses(reply, type);
        Location actual = GeoWorld.locationWithExactly(got, type);
        assertEquals(expected.addresses(type), got, () -> client + " should get " + type + " of " + expected
                + " but got " + (actual == null ? "no single location's nodes" : actual.name() + "'s") + ":" + reply);
    }

    // ------------------------------------------------------------------------------------------ nearest

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("citiesByEveryClient")
    void aClientSubnetInACityIsAnsweredWithTheNearestLocationWhateverItsCountry(City city, Via via) {
        GeoQuery.Result result = GeoQuery.of("app.example.com", "A").subnet(city.subnet()).ask(via, server);
        answeredFrom(city.nearest(), "A", result, city + " (ECS " + city.subnet() + ", " + city.country()
                + (city.abroad() ? ", no location in its country" : "") + ")");
    }

    @ParameterizedTest(name = "{0} via {1}")
    @MethodSource("citiesByEveryClient")
    void withoutClientSubnetTheSourceAddressPlacesTheClient(City city, Via via) {
        GeoQuery.Result result = GeoQuery.of("app.example.com", "A").from(city.source()).ask(via, server);
        answeredFrom(city.nearest(), "A", result, city + " (source " + city.source().getHostAddress() + ")");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aNetworkNestedInsideAnotherIsPlacedByTheNestedOne(Via via) {
        // 127.20.5.0/28 is Dublin; its /24 is asked for, and a source address inside the /28 is used as is.
        answeredFrom(LONDON, "A", GeoQuery.of("app.example.com", "A").subnet("127.20.5.0/24").ask(via, server),
                "Dublin /28 by ECS");
        answeredFrom(LONDON, "A", GeoQuery.of("app.example.com", "A").from(GeoWorld.address("127.20.5.3"))
                .ask(via, server), "Dublin /28 by source");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void countryOnlyRecordsArePlacedAtTheirCountrysPoint(Via via) {
        // ip-location-db's country_code JP: Japan's point is nearest singapore.
        answeredFrom(SINGAPORE, "A", GeoQuery.of("app.example.com", "A").subnet("127.30.1.0/24").ask(via, server),
                "a client of a country_code-only record JP");
        // GeoIP2-Country's country IE: Ireland's point is nearest london.
        answeredFrom(LONDON, "A", GeoQuery.of("app.example.com", "A").subnet("127.31.1.0/24").ask(via, server),
                "a client of a GeoIP2-Country record IE");
    }

    // ------------------------------------------------------------------------------------------ unknown

    @ParameterizedTest
    @EnumSource(Via.class)
    void clientsTheDatabaseCannotPlaceGetTheConfiguredUnknownOrder(Via via) {
        // unknown: [singapore, frankfurt, london, seattle]
        for (String subnet : GeoWorld.UNKNOWN_SUBNETS) {
            answeredFrom(SINGAPORE, "A", GeoQuery.of("app.example.com", "A").subnet(subnet).ask(via, server),
                    "unknown ECS " + subnet);
        }
        answeredFrom(SINGAPORE, "A", GeoQuery.of("app.example.com", "A").from(GeoWorld.UNKNOWN_SOURCE)
                .ask(via, server), "unknown source " + GeoWorld.UNKNOWN_SOURCE.getHostAddress());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void unknownClientsGetAaaaFromTheFirstLocationOfTheUnknownOrderThatHasIpv6(Via via) {
        // singapore has no IPv6: frankfurt comes next in the unknown order.
        for (String subnet : GeoWorld.UNKNOWN_SUBNETS) {
            answeredFrom(FRANKFURT, "AAAA", GeoQuery.of("app.example.com", "AAAA").subnet(subnet).ask(via, server),
                    "unknown ECS " + subnet);
        }
    }

    // ------------------------------------------------------------------------------------------ IPv6, AAAA

    @ParameterizedTest
    @EnumSource(Via.class)
    void aaaaComesFromTheNearestLocationThatHasIpv6(Via via) {
        // Sydney and Tokyo: singapore is nearest but IPv4 only; seattle is next.
        for (City city : List.of(SYDNEY, TOKYO)) {
            answeredFrom(SINGAPORE, "A", GeoQuery.of("app.example.com", "A").subnet(city.subnet()).ask(via, server),
                    city + " A");
            answeredFrom(SEATTLE, "AAAA", GeoQuery.of("app.example.com", "AAAA").subnet(city.subnet())
                    .ask(via, server), city + " AAAA");
        }
        answeredFrom(FRANKFURT, "AAAA", GeoQuery.of("app.example.com", "AAAA").subnet(BERLIN.subnet())
                .ask(via, server), "Berlin AAAA");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void ipv6ClientSubnetsArePlacedLikeIpv4Ones(Via via) {
        answeredFrom(SINGAPORE, "A", GeoQuery.of("app.example.com", "A").subnet("2001:db8:4:100::/56")
                .ask(via, server), "Tokyo IPv6 A");
        answeredFrom(SEATTLE, "AAAA", GeoQuery.of("app.example.com", "AAAA").subnet("2001:db8:4:100::/56")
                .ask(via, server), "Tokyo IPv6 AAAA");
        answeredFrom(FRANKFURT, "AAAA", GeoQuery.of("app.example.com", "AAAA").subnet("2001:db8:7::/48")
                .ask(via, server), "Berlin IPv6 AAAA");
        answeredFrom(SEATTLE, "A", GeoQuery.of("app.example.com", "A").subnet("2001:db8:3::/56")
                .ask(via, server), "New York IPv6 A");
    }

    // ------------------------------------------------------------------------------------------ records

    @ParameterizedTest
    @EnumSource(Via.class)
    void aCnameToTheGeoNameIsFollowedToTheClientsLocation(Via via) {
        for (City city : List.of(SYDNEY, MADRID, VANCOUVER)) {
            GeoQuery.Result result = GeoQuery.of("shop.example.com", "A").subnet(city.subnet()).ask(via, server);
            Reply reply = result.reply();
            assertEquals("shop.example.com. CNAME app.example.com.", reply.answer().get(0).key(),
                    () -> "the CNAME first in" + reply);
            answeredFrom(city.nearest(), "A", result, city + " through shop CNAME app");
        }
        GeoQuery.Result aaaa = GeoQuery.of("shop.example.com", "AAAA").subnet(SYDNEY.subnet()).ask(via, server);
        answeredFrom(SEATTLE, "AAAA", aaaa, "Sydney AAAA through shop CNAME app");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theGeoNameMatchesInAnyLetterCaseAndKeepsTheQuestionsCase(Via via) {
        GeoQuery.Result result = GeoQuery.of("ApP.ExAmPlE.cOm", "A").subnet(SYDNEY.subnet()).ask(via, server);
        answeredFrom(SINGAPORE, "A", result, "Sydney asking ApP.ExAmPlE.cOm");
        for (Rr rr : result.reply().answer()) {
            assertEquals("ApP.ExAmPlE.cOm.", rr.name(), () -> "owner in the question's case in" + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void geoAnswersCarryTheGeoNamesTtl(Via via) {
        for (String type : List.of("A", "AAAA")) {
            Reply reply = GeoQuery.of("app.example.com", type).subnet(MADRID.subnet()).ask(via, server).reply();
            assertTrue(!reply.answer().isEmpty(), () -> "an answer in" + reply);
            for (Rr rr : reply.answer()) {
                assertEquals(30, rr.ttl(), () -> "ttl 30 (geo.yaml) in" + reply);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void otherTypesAtAGeoNameAreNodataWithTheSoa(Via via) {
        Reply reply = GeoQuery.of("app.example.com", "MX").subnet(SYDNEY.subnet()).ask(via, server).reply();
        Checks.nodata(reply);
    }

    @Test
    void maxAnswersCapsEachAnswerAndRotatesOverEveryNode() {
        // rr: london only, max-answers 2 of its 3 nodes.
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            Via via = i % 2 == 0 ? Via.DNSJAVA_UDP : Via.DNSJAVA_TCP;
            Reply reply = GeoQuery.of("rr.example.com", "A").subnet(SYDNEY.subnet()).ask(via, server).reply();
            Set<String> got = GeoWorld.addresses(reply, "A");
            assertEquals(2, reply.answer().size(), () -> "two records in" + reply);
            assertEquals(2, got.size(), () -> "two different addresses in" + reply);
            assertTrue(LONDON.ipv4().containsAll(got), () -> "london's addresses only in" + reply);
            seen.addAll(got);
        }
        assertEquals(LONDON.ipv4(), seen, "over 40 answers every london node should have its turn");
    }

    // ------------------------------------------------------------------------------------------ overrides

    @ParameterizedTest
    @EnumSource(Via.class)
    void aContinentOverrideBeatsTheNearestLocation(Via via) {
        // SA: [seattle]; São Paulo's nearest is london, Bogotá's seattle anyway.
        answeredFrom(SEATTLE, "A", GeoQuery.of("api.example.com", "A").subnet(SAO_PAULO.subnet()).ask(via, server),
                "São Paulo on api");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aCountryOverrideBeatsTheNearestLocation(Via via) {
        // JP: [seattle]; Tokyo's nearest is singapore. US: [frankfurt]; Los Angeles' nearest is seattle.
        answeredFrom(SEATTLE, "A", GeoQuery.of("api.example.com", "A").subnet(TOKYO.subnet()).ask(via, server),
                "Tokyo on api");
        answeredFrom(FRANKFURT, "A", GeoQuery.of("api.example.com", "A").subnet(LOS_ANGELES.subnet())
                .ask(via, server), "Los Angeles on api");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aSubdivisionOverrideBeatsItsCountrysOverride(Via via) {
        // US-NY: [london] over US: [frankfurt]; New York's nearest is seattle.
        answeredFrom(LONDON, "A", GeoQuery.of("api.example.com", "A").subnet(NEW_YORK.subnet()).ask(via, server),
                "New York on api");
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void clientsNoOverrideMatchesGetTheNearestLocation(Via via) {
        for (City city : List.of(VANCOUVER, SYDNEY, MADRID, BERLIN)) {
            answeredFrom(city.nearest(), "A", GeoQuery.of("api.example.com", "A").subnet(city.subnet())
                    .ask(via, server), city + " on api");
        }
    }
}
