package geodns.e2e;

import static geodns.e2e.support.GeoQuery.ecsHex;
import static geodns.e2e.support.GeoWorld.MADRID;
import static geodns.e2e.support.GeoWorld.SYDNEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Via;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EDNS Client Subnet (RFC 7871) on geo names: which address places the client, what comes back in the echoed
 * option (family, source prefix and address as sent; SCOPE = the GeoIP network's prefix, capped at /24 and /56;
 * 0 when the answer does not depend on the client), and FORMERR for malformed options.
 */
@ExtendWith(GeoServer.class)
class ClientSubnetTest {
    private static final int ECS = 8;
    private static GeodnsServer server;

    @BeforeAll
    static void server(GeodnsServer shared) {
        server = shared;
    }

    private static GeoQuery.Ecs echo(GeoQuery.Result result) {
        assertNotNull(result.ecs(), () -> "an ECS option in" + result);
        return result.ecs();
    }

    private static void location(GeoWorld.Location expected, GeoQuery.Result result) {
        assertEquals(expected.ipv4(), GeoWorld.addresses(result.reply(), "A"),
                () -> expected + "'s addresses in" + result);
    }

    // ------------------------------------------------------------------------------------------ the echo

    @ParameterizedTest
    @EnumSource(Via.class)
    void theEchoCarriesFamilySourcePrefixAndAddressAsSent(Via via) {
        GeoQuery.Ecs v4 = echo(GeoQuery.of("app.example.com", "A").subnet("127.1.1.0/24").ask(via, server));
        assertEquals(List.of(1, "127.1.1.0", 24), List.of(v4.family(), v4.address(), v4.sourcePrefix()));
        GeoQuery.Ecs v6 = echo(GeoQuery.of("app.example.com", "A").subnet("2001:db8:4:100::/56").ask(via, server));
        assertEquals(List.of(2, "2001:db8:4:100::", 56), List.of(v6.family(), v6.address(), v6.sourcePrefix()));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theScopeIsThePrefixOfTheDatabaseNetworkThatPlacedTheClient(Via via) {
        // Sydney is 127.1.0.0/16, Tokyo 2001:db8:4::/48.
        assertEquals(16, echo(GeoQuery.of("app.example.com", "A").subnet("127.1.1.0/24").ask(via, server))
                .scopePrefix());
        assertEquals(48, echo(GeoQuery.of("app.example.com", "AAAA").subnet("2001:db8:4:100::/56")
                .ask(via, server)).scopePrefix());
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theScopeIsCappedAt24ForIpv4(Via via) {
        // Dublin is 127.20.5.0/28: the decision is made and cached per /24.
        for (String subnet : List.of("127.20.5.0/24", "127.20.5.3/32")) {
            GeoQuery.Result result = GeoQuery.of("app.example.com", "A").subnet(subnet).ask(via, server);
            location(GeoWorld.LONDON, result);
            assertEquals(24, echo(result).scopePrefix(), () -> "scope for " + subnet + " in" + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theScopeIsCappedAt56ForIpv6(Via via) {
        // New York has the /64 2001:db8:3::/64.
        for (String subnet : List.of("2001:db8:3::/56", "2001:db8:3::/64")) {
            GeoQuery.Result result = GeoQuery.of("app.example.com", "A").subnet(subnet).ask(via, server);
            location(GeoWorld.SEATTLE, result);
            assertEquals(56, echo(result).scopePrefix(), () -> "scope for " + subnet + " in" + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aCnameToTheGeoNameCarriesTheScopeOfTheGeoDecision(Via via) {
        // shop CNAME app: the whole answer depends on the client, so resolvers must not share it more widely.
        GeoQuery.Result result = GeoQuery.of("shop.example.com", "A").subnet("127.1.1.0/24").ask(via, server);
        location(GeoWorld.SINGAPORE, result);
        assertEquals(16, echo(result).scopePrefix(), () -> "scope in" + result);
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void theScopeIsZeroForAnswersThatDoNotDependOnTheClient(Via via) {
        for (String[] question : List.of(new String[] {"www.example.com", "A", "NOERROR"},
                new String[] {"nope.example.com", "A", "NXDOMAIN"},
                new String[] {"app.example.com", "MX", "NOERROR"})) {
            GeoQuery.Result result = GeoQuery.of(question[0], question[1]).subnet(SYDNEY.subnet()).ask(via, server);
            Checks.rcode(result.reply(), question[2]);
            GeoQuery.Ecs ecs = echo(result);
            assertEquals(24, ecs.sourcePrefix(), () -> "source prefix echoed in" + result);
            assertEquals(0, ecs.scopePrefix(), () -> "scope 0 for " + question[0] + " " + question[1] + " in"
                    + result);
        }
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void aQueryWithoutClientSubnetGetsNoneBack(Via via) {
        GeoQuery.Result result = GeoQuery.of("app.example.com", "A").from(SYDNEY.source()).ask(via, server);
        location(GeoWorld.SINGAPORE, result);
        assertNull(result.ecs(), () -> "no ECS option in" + result);
    }

    // ------------------------------------------------------------------------------------------ which address

    @ParameterizedTest
    @EnumSource(Via.class)
    void theClientSubnetWinsOverTheSourceAddress(Via via) {
        location(GeoWorld.SINGAPORE, GeoQuery.of("app.example.com", "A").from(MADRID.source())
                .subnet(SYDNEY.subnet()).ask(via, server));
        location(GeoWorld.LONDON, GeoQuery.of("app.example.com", "A").from(SYDNEY.source())
                .subnet(MADRID.subnet()).ask(via, server));
    }

    @ParameterizedTest
    @EnumSource(Via.class)
    void sourcePrefixZeroMeansUseTheSourceAddressAndGivesScopeZero(Via via) {
        for (String zero : List.of("0.0.0.0/0", "::/0")) {
            GeoQuery.Result sydney = GeoQuery.of("app.example.com", "A").from(SYDNEY.source()).subnet(zero)
                    .ask(via, server);
            location(GeoWorld.SINGAPORE, sydney);
            assertEquals(List.of(0, 0), List.of(echo(sydney).sourcePrefix(), echo(sydney).scopePrefix()),
                    () -> "source and scope prefix in" + sydney);
            location(GeoWorld.LONDON, GeoQuery.of("app.example.com", "A").from(MADRID.source()).subnet(zero)
                    .ask(via, server));
        }
    }

    // ------------------------------------------------------------------------------------------ malformed

    static Stream<Arguments> malformed() {
        List<Arguments> cases = List.of(
                Arguments.of("address longer than the prefix (/16 with 3 bytes)", ecsHex(1, 16, 0, 127, 1, 0)),
                Arguments.of("address shorter than the prefix (/24 with 2 bytes)", ecsHex(1, 24, 0, 127, 1)),
                Arguments.of("a bit set beyond the prefix (/15 of 127.1)", ecsHex(1, 15, 0, 127, 1)),
                Arguments.of("a bit set beyond an IPv6 prefix (/44 of 2001:db8:1)",
                        ecsHex(2, 44, 0, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01)),
                Arguments.of("family 3", ecsHex(3, 8, 0, 127)),
                Arguments.of("family 0", ecsHex(0, 0, 0)),
                Arguments.of("IPv4 prefix 33", ecsHex(1, 33, 0, 127, 1, 1, 1, 0)),
                Arguments.of("IPv6 prefix 129", ecsHex(2, 129, 0, 0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        0, 0)),
                Arguments.of("option shorter than family and prefixes", "000118"));
        return cases.stream().flatMap(c -> Stream.of(Via.values())
                .map(via -> Arguments.of(c.get()[0], c.get()[1], via)));
    }

    @ParameterizedTest(name = "{0} via {2}")
    @MethodSource("malformed")
    void aMalformedClientSubnetIsFormerr(String what, String optionHex, Via via) {
        Reply reply = via.ask(server, Ask.of("app.example.com", "A").option(ECS, optionHex));
        Checks.rcode(reply, "FORMERR");
        Checks.emptyAnswer(reply);
    }

    static Stream<Arguments> wellFormed() {
        List<Arguments> cases = List.of(
                Arguments.of("IPv4 /32", ecsHex(1, 32, 0, 127, 1, 1, 7), "singapore"),
                Arguments.of("IPv4 /20 (last byte's low bits zero)", ecsHex(1, 20, 0, 127, 2, 0x10), "london"),
                Arguments.of("IPv6 /128", ecsHex(2, 128, 0, 0x20, 1, 0x0d, 0xb8, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
                        "singapore"));
        return cases.stream().flatMap(c -> Stream.of(Via.values())
                .map(via -> Arguments.of(c.get()[0], c.get()[1], c.get()[2], via)));
    }

    @ParameterizedTest(name = "{0} via {3}")
    @MethodSource("wellFormed")
    void clientSubnetsAtTheLimitsOfTheFormatAreAccepted(String what, String optionHex, String location, Via via) {
        Reply reply = via.ask(server, Ask.of("app.example.com", "A").option(ECS, optionHex));
        Checks.rcode(reply, "NOERROR");
        GeoWorld.Location expected = GeoWorld.LOCATIONS.stream().filter(l -> l.name().equals(location))
                .findFirst().orElseThrow();
        assertEquals(expected.ipv4(), GeoWorld.addresses(reply, "A"), () -> location + "'s addresses in" + reply);
    }
}
