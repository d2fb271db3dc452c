package geodns.e2e;

import static geodns.e2e.support.GeoWorld.BERLIN;
import static geodns.e2e.support.GeoWorld.SYDNEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Checks;
import geodns.e2e.support.Cli;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.Dig;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.Transport;
import geodns.e2e.support.UdpFlood;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The why query: {@code dig TXT _why.app.example.com} says what this instance saw for the asking client (the
 * client's group and subnet, GeoIP place, ranked locations, health, answer, ECS scope), through any resolver; off
 * where geo.yaml says {@code why: off}; zone data at the name wins. The GeoServer world (City DB, four locations),
 * and a server of its own for the options.
 */
@ExtendWith(GeoServer.class)
class WhyQueryTest {
    private static final Pattern TXT_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** Enough locations with long names that the ranked list alone is past 1232 bytes. */
    private static final int WIDE_LOCATIONS = 50;

    private static GeodnsServer geo;
    private static Path ownDir;
    private static GeodnsServer own;

    @BeforeAll
    static void start(GeodnsServer shared) throws IOException {
        geo = shared;
        ownDir = Files.createTempDirectory("geodns-why-");
        StringBuilder yaml = new StringBuilder("why: off\n").append(GeoWorld.locationsYaml(GeoWorld.LOCATIONS));
        for (int i = 1; i <= WIDE_LOCATIONS; i++) {
            yaml.append(String.format("""
                      location-with-a-long-name-%02d:
                        coordinates: [%d, %d]
                        nodes:
                          far-%02d: { ipv4: 10.9.0.%d }
                    """, i, -60 + 2 * i, -170 + 6 * i, i, i));
        }
        yaml.append("""
                names:
                  app.example.com:
                    locations: [london, frankfurt]
                  api.example.com:
                    locations: [london, frankfurt]
                    why: on
                  wide.example.com:
                    why: on
                  zonewins.example.com:
                    locations: [london]
                    why: on
                """);
        Path zones = GeoWorld.writeZones(ownDir.resolve("zones"),
                GeoWorld.exampleZoneWithoutApp("_why.zonewins 300 IN TXT \"zone data\""), yaml.toString());
        Path mmdb = GeoWorld.database().write(ownDir.resolve("cities.mmdb"));
        own = GeodnsServer.start(zones, "--geoip", mmdb.toString());
    }

    @AfterAll
    static void stop() {
        if (own != null) {
            own.close();
        }
        if (ownDir != null) {
            ConfigFiles.deleteTree(ownDir);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Reply dig(GeodnsServer server, Transport transport, String name, String type, String subnet) {
        List<String> args = new ArrayList<>(List.of(transport.digOption(), "+ignore", "+norecurse"));
        if (subnet != null) {
            args.add("+subnet=" + subnet);
        }
        args.addAll(List.of("-t", type, "-q", name));
        return Dig.run(server.dns(), args.toArray(new String[0])).only();
    }

    /** The strings of the one TXT record dig printed. */
    private static List<String> strings(Reply reply) {
        List<Rr> txt = reply.answer().stream().filter(r -> r.type().equals("TXT")).toList();
        assertEquals(1, txt.size(), () -> "one TXT record in" + reply);
        List<String> strings = new ArrayList<>();
        Matcher m = TXT_STRING.matcher(txt.get(0).data());
        while (m.find()) {
            strings.add(m.group(1));
        }
        return strings;
    }

    private static List<String> why(GeodnsServer server, String name, String subnet) {
        Reply reply = dig(server, Transport.UDP, name, "TXT", subnet);
        Checks.rcode(reply, "NOERROR");
        return strings(reply);
    }

    /** The value of the string that starts with {@code key=}. */
    private static String value(List<String> strings, String key) {
        return strings.stream().filter(s -> s.startsWith(key + "=")).map(s -> s.substring(key.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + key + "= in " + strings));
    }

    private static Message dnsjava(GeodnsServer server, Transport transport, String name, int type, String subnet) {
        Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(name), type, DClass.IN));
        List<EDNSOption> options = new ArrayList<>();
        if (subnet != null) {
            String[] parts = subnet.split("/");
            int prefix = Integer.parseInt(parts[1]);
            options.add(new ClientSubnetOption(prefix, GeoWorld.address(parts[0])));
        }
        query.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        return Wire.parse(Wire.exchange(transport, server.dns(), query.toWire()));
    }

    // ------------------------------------------------------------------------------------------ what it says

    @Test
    void whyFromTwoPlacesNamesEachItsPlaceAndItsNearestLocation() {
        List<String> sydney = why(geo, "_why.app.example.com", SYDNEY.subnet());
        List<String> berlin = why(geo, "_why.app.example.com", BERLIN.subnet());

        assertEquals("127.1.1.0/24 ecs=127.1.1.0/24", value(sydney, "client"));
        assertTrue(value(sydney, "geoip").startsWith("AU continent=OC subdivision="), sydney::toString);
        assertTrue(value(sydney, "geoip").contains("point=-33.87,151.21"), sydney::toString);
        assertTrue(value(sydney, "ranked").matches("singapore:63\\d\\dkm seattle:12\\d{3}km .*"), sydney::toString);
        assertEquals("singapore " + String.join(" ", new TreeSet<>(GeoWorld.SINGAPORE.ipv4())),
                sorted(value(sydney, "a")));
        assertEquals("/16", value(sydney, "scope"));

        assertEquals("127.7.1.0/24 ecs=127.7.1.0/24", value(berlin, "client"));
        assertTrue(value(berlin, "geoip").startsWith("DE continent=EU"), berlin::toString);
        assertTrue(value(berlin, "ranked").matches("frankfurt:4\\d\\dkm london:9\\d\\dkm .*"), berlin::toString);
        assertTrue(value(berlin, "a").startsWith("frankfurt "), berlin::toString);
        assertEquals("nearest", value(berlin, "rule"));
        assertEquals("none", value(berlin, "down"));
    }

    /** "location b a" with the addresses sorted, as a set compares them. */
    private static String sorted(String locationAndAddresses) {
        String[] parts = locationAndAddresses.split(" ");
        return parts[0] + " " + java.util.Arrays.stream(parts, 1, parts.length).sorted()
                .collect(Collectors.joining(" "));
    }

    @Test
    void whyNamesTheAddressesTheSameClientIsAnswered() {
        for (GeoWorld.City city : GeoWorld.CITIES) {
            Set<String> answered = GeoWorld.addresses(dig(geo, Transport.UDP, "app.example.com", "A",
                    city.subnet()), "A");
            String why = value(why(geo, "_why.app.example.com", city.subnet()), "a");
            assertEquals(city.nearest().name(), why.split(" ")[0], () -> city + ": " + why);
            assertEquals(answered, Set.of(why.substring(why.indexOf(' ') + 1).split(" ")), () -> city + ": " + why);
        }
    }

    @Test
    void whyWithoutASubnetNamesTheSourceAddressAndAnUnknownPlace() {
        List<String> strings = why(geo, "_why.app.example.com", null);
        assertEquals("127.0.0.0/24 source=127.0.0.1", value(strings, "client"));
        assertTrue(value(strings, "geoip").startsWith("none"), strings::toString);
        assertEquals("default", value(strings, "rule"));
        assertTrue(value(strings, "ranked").startsWith("singapore:?km frankfurt:?km"), strings::toString);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void dnsjavaGetsTheSameFactsUncachedWithTheEcsScope(Transport transport) {
        Message reply = dnsjava(geo, transport, "_why.app.example.com.", Type.TXT, BERLIN.subnet());
        List<Record> answer = reply.getSection(Section.ANSWER);
        assertEquals(1, answer.size(), reply::toString);
        assertEquals(0, answer.get(0).getTTL(), "a debug answer is not to be cached");
        List<String> strings = ((TXTRecord) answer.get(0)).getStrings();
        assertTrue(value(strings, "a").startsWith("frankfurt "), strings::toString);
        ClientSubnetOption ecs = (ClientSubnetOption) reply.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET).get(0);
        assertEquals(16, ecs.getScopePrefixLength());
        assertEquals("/16", value(strings, "scope"));
    }

    @Test
    void whyUnderACnameToAGeoNameExplainsTheGeoNamesDecision() {
        assertTrue(value(why(geo, "_why.shop.example.com", BERLIN.subnet()), "a").startsWith("frankfurt "));
    }

    @Test
    void whyNameIsCaseInsensitiveLikeEveryName() {
        assertTrue(value(why(geo, "_WHY.App.Example.COM", BERLIN.subnet()), "a").startsWith("frankfurt "));
    }

    @Test
    void whyNameOfAnotherTypeIsNodata() {
        Reply reply = dig(geo, Transport.UDP, "_why.app.example.com", "A", BERLIN.subnet());
        Checks.rcode(reply, "NOERROR");
        assertTrue(reply.answer().isEmpty(), reply::toString);
        assertTrue(reply.authority().stream().anyMatch(r -> r.type().equals("SOA")), reply::toString);
    }

    @Test
    void whyUnderANameThatDoesNotFollowTheClientIsNxdomain() {
        Checks.rcode(dig(geo, Transport.UDP, "_why.www.example.com", "TXT", null), "NXDOMAIN");
        Checks.rcode(dig(geo, Transport.UDP, "_why.example.com", "TXT", null), "NXDOMAIN");
        Checks.rcode(dig(geo, Transport.UDP, "x._why.app.example.com", "TXT", null), "NXDOMAIN");
    }

    // ------------------------------------------------------------------------------------------ options, size

    @Test
    void whyOffAtTheTopOfGeoYamlMakesTheNameNxdomain() {
        Checks.rcode(dig(own, Transport.UDP, "_why.app.example.com", "TXT", BERLIN.subnet()), "NXDOMAIN");
    }

    @Test
    void whyOnForOneNameOverridesTheTopLevelOff() {
        assertTrue(value(why(own, "_why.api.example.com", BERLIN.subnet()), "a").startsWith("frankfurt "));
    }

    @Test
    void zoneDataAtTheWhyNameWinsAndCheckWarnsOfIt() {
        Reply reply = dig(own, Transport.UDP, "_why.zonewins.example.com", "TXT", BERLIN.subnet());
        assertEquals(List.of("zone data"), strings(reply));

        Cli.Result check = Cli.run(60, "check", "--zones", ownDir.resolve("zones").toString());
        assertEquals(0, check.exitCode(), check::toString);
        assertTrue(check.stderr().contains("example.com.zone:") && check.stderr().contains(
                "warning: _why.zonewins.example.com. is zone data, so _why.zonewins.example.com. TXT answers it,"
                        + " not the why query"), check::toString);
    }

    @Test
    void whyTooBigForUdpIsTruncatedAndComesWholeOverTcp() {
        Reply udp = dig(own, Transport.UDP, "_why.wide.example.com", "TXT", BERLIN.subnet());
        assertTrue(udp.flag("tc"), udp::toString);
        assertTrue(udp.answer().isEmpty(), udp::toString);

        Reply tcp = dig(own, Transport.TCP, "_why.wide.example.com", "TXT", BERLIN.subnet());
        assertFalse(tcp.flag("tc"), tcp::toString);
        List<String> strings = strings(tcp);
        strings.forEach(s -> assertTrue(s.length() <= 255, s));
        long rankedLocations = strings.stream().filter(s -> s.startsWith("ranked=") || s.startsWith("ranked+="))
                .mapToLong(s -> s.split(" ").length).sum();
        assertEquals(4 + WIDE_LOCATIONS, rankedLocations, strings::toString);
    }

    @Test
    void whyIsRateLimitedLikeAnyAnswer() {
        int rate = 20;
        try (GeodnsServer limited = GeodnsServer.start(GeodnsServer.exampleZones(), "--rrl-rate", String.valueOf(rate),
                "--rrl-slip", "2", "--rrl-window", "1", "--rrl-exempt", "none")) {
            List<byte[]> queries = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Message m = Message.newQuery(Record.newRecord(Name.fromConstantString("_why.app.example.com."),
                        Type.TXT, DClass.IN));
                m.getHeader().setID(i);
                queries.add(m.toWire());
            }
            UdpFlood.Result flood = UdpFlood.send(limited.dns(), "127.0.9.2", queries);
            assertTrue(flood.answered() >= rate, () -> "the first second's budget is answered: " + flood);
            assertTrue(flood.answered() <= rate * (3 + (int) (flood.sendMillis() / 1000)),
                    () -> "the rest is limited: " + flood);
            assertTrue(flood.truncated() > 0, () -> "limited answers slip as TC: " + flood);
            assertTrue(PromScrape.of(limited).sum("geodns_rate_limited_responses_total", "kind", "answer") > 0,
                    "counted as answers");
        }
    }
}
