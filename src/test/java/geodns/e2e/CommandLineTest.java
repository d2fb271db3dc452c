package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Checks;
import geodns.e2e.support.Cli;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command-line contract: check, serve, --help, exit codes, zone directives, signals, listen addresses. */
@ExtendWith(ServerLogOnFailure.class)
class CommandLineTest {
    private static final String LOOPBACK = GeodnsServer.LOOPBACK.getHostAddress();

    /** A small valid zone; with no $ORIGIN its name comes from the file name. 4 records, serial 2026010199. */
    private static final String SMALL_ZONE = String.join("\n",
            "$TTL 600",
            "@    IN SOA ns1 hostmaster 2026010199 7200 900 1209600 300",
            "     IN NS  ns1",
            "ns1  IN A   192.0.2.1",
            "www  IN A   192.0.2.2",
            "");

    /** Error on line 11, after a SOA that spans six lines. */
    private static final String BROKEN_AFTER_MULTILINE_SOA = String.join("\n",
            "$ORIGIN broken.test.",                                  // 1
            "$TTL 300",                                              // 2
            "@ IN SOA ns1 hostmaster (",                             // 3
            "        1       ; serial",                              // 4
            "        7200    ; refresh",                             // 5
            "        900     ; retry",                               // 6
            "        1209600 ; expire",                              // 7
            "        300 )   ; minimum",                             // 8
            "  IN NS ns1",                                           // 9
            "ns1 IN A 192.0.2.1",                                    // 10
            "www IN A 192.0.2.999",                                  // 11: not an IPv4 address
            "mail IN A 192.0.2.25",                                  // 12
            "");

    /** Error on line 4. */
    private static final String BROKEN_EARLY = String.join("\n",
            "$TTL 300",                                              // 1
            "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300",        // 2
            "  IN NS ns1",                                           // 3
            "ns1 IN A not-an-address",                               // 4
            "");

    // ------------------------------------------------------------------------------------------- check

    @Test
    void checkLoadsTheExampleZonesAndSaysWhatItLoaded() {
        Cli.Result result = Cli.run(60, "check", "--zones", GeodnsServer.exampleZones().toString());
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(lineWith(result.stdout(), "example.com", "2026112301"),
                () -> "a line naming example.com with its serial:\n" + result);
    }

    @Test
    void checkPrintsOneLinePerZoneWithSerialAndRecordCount(@TempDir Path zones) throws IOException {
        Files.copy(GeodnsServer.exampleZones().resolve("example.com.zone"), zones.resolve("example.com.zone"));
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE);
        Files.writeString(zones.resolve("notes.txt"), "not a zone file: ignored\n");
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(lineWith(result.stdout(), "example.com", "2026112301"), result::toString);
        assertTrue(lineWith(result.stdout(), "small.test", "2026010199", "4"),
                () -> "small.test with serial 2026010199 and 4 records:\n" + result);
        assertFalse(result.stdout().contains("notes"), () -> "notes.txt is no zone:\n" + result);
    }

    @Test
    void checkReportsFileAndLineOfEveryError(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("broken.test.zone"), BROKEN_AFTER_MULTILINE_SOA);
        Files.writeString(zones.resolve("early.test.zone"), BROKEN_EARLY);
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE);
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertNotEquals(0, result.exitCode(), result::toString);
        assertTrue(hasErrorLine(result.stderr(), "broken.test.zone", 11),
                () -> "broken.test.zone:11: <reason> on stderr:\n" + result);
        assertTrue(hasErrorLine(result.stderr(), "early.test.zone", 4),
                () -> "early.test.zone:4: <reason> on stderr:\n" + result);
        assertFalse(result.stderr().contains("small.test.zone:"), () -> "no error for the good zone:\n" + result);
    }

    @Test
    void checkReportsEverySyntaxErrorOfAZoneFileAndExits1(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE
                + "a    IN A 192.0.2.300\n"            // 6
                + "b    IN A 192.0.2.7\n"
                + "c    IN MX mail\n");                // 8
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(hasErrorLine(result.stderr(), "small.test.zone", 6), result::toString);
        assertTrue(hasErrorLine(result.stderr(), "small.test.zone", 8), result::toString);
        assertTrue(result.stderr().contains("geodns: 2 error(s)"), result::toString);
    }

    @Test
    void checkSaysAnOutOfRangeTtlIsOutOfRange(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE + "big 99999999999 IN A 192.0.2.3\n");
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().contains("small.test.zone:6: TTL 99999999999 out of range (0..2147483647)"),
                result::toString);
    }

    @Test
    void checkPrintsEveryWarningWithFileAndLineAndExits0(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE + "sub  IN NS ns.sub\n");   // line 6
        Files.writeString(zones.resolve("geo.yaml"), String.join("\n",
                "locations:",                                                   // 1
                "  london:",
                "    coordinates: [51.507, -0.128]",
                "    nodes:",
                "      lon-1: { ipv4: 192.0.2.11 }",
                "names:",                                                       // 6
                "  app.small.test:",
                "    subdivisions: { US-CA: [london] }",                       // 8
                ""));
        Cli.Result result = Cli.run(60, "check", "--zones", zones.toString());
        assertEquals(0, result.exitCode(), result::toString);
        for (String warning : List.of(
                "small.test.zone:3: warning: name server ns1.small.test. has the address 192.0.2.1, which is no node",
                "small.test.zone:6: warning: name server ns.sub.small.test. of the delegation sub.small.test. has no glue",
                "geo.yaml:8: warning: the subdivisions of app.small.test. never match")) {
            assertTrue(result.stderr().contains(warning), () -> "'" + warning + "' in\n" + result);
        }
        assertTrue(result.stdout().contains("ok: 1 zone(s), 3 warning(s)"), result::toString);
    }

    @Test
    void checkRefusesMoreRecordsThanMaxRecordsNamingTheLimit(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("small.test.zone"), SMALL_ZONE);
        Cli.Result tight = Cli.run(60, "check", "--zones", zones.toString(), "--max-records", "3");
        assertEquals(1, tight.exitCode(), tight::toString);
        assertTrue(tight.stderr().contains("small.test.zone:"), tight::toString);
        assertTrue(tight.stderr().contains("more than 3 records in the zones folder (the limit; --max-records raises it)"),
                tight::toString);
        Cli.Result enough = Cli.run(60, "check", "--zones", zones.toString(), "--max-records", "4");
        assertEquals(0, enough.exitCode(), enough::toString);
    }

    @Test
    void serveRefusesToStartOnAZoneError(@TempDir Path zones) throws IOException {
        Files.writeString(zones.resolve("broken.test.zone"), BROKEN_AFTER_MULTILINE_SOA);
        Cli.Result result = Cli.run(30, "serve", "--zones", zones.toString(),
                "--dns", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                "--http", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
        assertNotEquals(0, result.exitCode(), result::toString);
        assertTrue(hasErrorLine(result.stderr(), "broken.test.zone", 11),
                () -> "broken.test.zone:11: <reason> on stderr:\n" + result);
    }

    // ------------------------------------------------------------------------------------------- flags

    @Test
    void selftestOnAWildcardAddressAnswersItselfOverUdpAndTcpOnLoopbackAndExitsZero() {
        int port = GeodnsServer.freePort(GeodnsServer.LOOPBACK, true);
        Cli.Result result = Cli.run(60, "selftest", "--zones", GeodnsServer.exampleZones().toString(),
                "--dns", "0.0.0.0:" + port,
                "--http", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
        assertEquals(0, result.exitCode(), result::toString);
        for (String transport : List.of("udp", "tcp")) {
            assertTrue(lineWith(result.stdout(), transport + " 127.0.0.1:" + port + " example.com SOA: NOERROR"),
                    result::toString);
        }
    }

    @Test
    void selftestWithAPortTakenByAnotherProcessExitsNonZero() throws IOException {
        try (java.net.DatagramSocket taken = new java.net.DatagramSocket(0, java.net.InetAddress.getByName(LOOPBACK))) {
            Cli.Result result = Cli.run(60, "selftest", "--zones", GeodnsServer.exampleZones().toString(),
                    "--dns", LOOPBACK + ":" + taken.getLocalPort(),
                    "--http", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
            assertNotEquals(0, result.exitCode(), result::toString);
        }
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        Cli.Result result = Cli.run(30, "--help");
        assertEquals(0, result.exitCode(), result::toString);
        for (String word : List.of("serve", "check", "--zones", "--dns", "--http", "--geoip", "--udp-max",
                "--tcp-idle", "--tcp-max-conns", "--tcp-max-conns-per-client", "--tcp-max-queries", "--tcp-lifetime",
                "--rrl-rate", "--rrl-slip", "--rrl-window", "--rrl-exempt")) {
            assertTrue(result.stdout().contains(word), () -> "usage mentions " + word + ":\n" + result);
        }
    }

    static Stream<Arguments> badCommandLines() {
        return Stream.of(
                Arguments.of(List.of("--bogus")),
                Arguments.of(List.of("frobnicate")),
                Arguments.of(List.of("serve", "--bogus")),
                Arguments.of(List.of("serve", "--dns")),
                Arguments.of(List.of("serve", "--dns", "127.0.0.1")),
                Arguments.of(List.of("serve", "--dns", "127.0.0.1:notaport")),
                Arguments.of(List.of("serve", "--dns", "127.0.0.1:70000")),
                Arguments.of(List.of("serve", "--http", "nonsense")),
                Arguments.of(List.of("serve", "--udp-max", "-5")),
                Arguments.of(List.of("serve", "--rrl-exempt", "example.com")),
                Arguments.of(List.of("serve", "--rrl-rate", "-1")),
                Arguments.of(List.of("serve", "--tcp-idle", "abc")),
                Arguments.of(List.of("serve", "--tcp-max-conns", "many")),
                Arguments.of(List.of("check", "--bogus")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void badCommandLineExitsTwoWithAOneLineReason(List<String> bad) {
        List<String> args = new ArrayList<>();
        args.add(bad.get(0));
        if (bad.get(0).equals("serve")) {
            // Good values first, so that a bad value accepted by mistake cannot bind the default ports.
            args.addAll(List.of("--zones", GeodnsServer.exampleZones().toString(),
                    "--dns", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                    "--http", LOOPBACK + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false)));
        }
        args.addAll(bad.subList(1, bad.size()));
        Cli.Result result = Cli.run(20, args.toArray(new String[0]));
        assertEquals(2, result.exitCode(), result::toString);
        String reason = result.stderr().strip();
        assertFalse(reason.isEmpty(), () -> "a reason on stderr:\n" + result);
        assertFalse(reason.contains("\n"), () -> "one line on stderr:\n" + result);
    }

    // ------------------------------------------------------------------------------------------- zone files

    @Test
    void includeOriginAndTtlDirectivesAreHonoured(@TempDir Path zones) throws IOException {
        Files.createDirectories(zones.resolve("parts"));
        Files.writeString(zones.resolve("inc.test.zone"), String.join("\n",
                "; no $ORIGIN at the top: the origin is the zone's name, from the file name",
                "$TTL 600",
                "@    IN SOA ns1 hostmaster 2026010101 7200 900 1209600 300",
                "     IN NS  ns1",
                "ns1  IN A   192.0.2.1",
                "$INCLUDE parts/hosts.inc",
                "$INCLUDE parts/more.inc other.inc.test.",
                "$ORIGIN sub.inc.test.",
                "$TTL 120",
                "host IN A 192.0.2.7",
                ""));
        Files.writeString(zones.resolve("parts/hosts.inc"), String.join("\n",
                "; relative names in an included file are relative to the origin in force",
                "mail     IN A 192.0.2.25",
                "web  30  IN A 192.0.2.80",
                ""));
        Files.writeString(zones.resolve("parts/more.inc"), String.join("\n",
                "www      IN A 192.0.2.81",
                ""));
        try (GeodnsServer server = GeodnsServer.start(zones)) {
            for (Via via : Via.values()) {
                expectA(via, server, "mail.inc.test", "192.0.2.25", 600);
                expectA(via, server, "web.inc.test", "192.0.2.80", 30);
                expectA(via, server, "www.other.inc.test", "192.0.2.81", 600);
                expectA(via, server, "host.sub.inc.test", "192.0.2.7", 120);
                Checks.rcode(via.ask(server, Ask.of("host.inc.test", "A")), "NXDOMAIN");
            }
        }
    }

    private static void expectA(Via via, GeodnsServer server, String name, String address, long ttl) {
        Reply reply = via.ask(server, Ask.of(name, "A"));
        Checks.rcode(reply, "NOERROR");
        Checks.flagSet(reply, "aa");
        Checks.answer(reply, name + ". A " + address);
        assertEquals(ttl, reply.answer().get(0).ttl(), () -> "TTL of " + name + " in" + reply);
    }

    // ------------------------------------------------------------------------------------------- process

    @Test
    void sigtermStopsTheServerWithExitCodeZero() {
        GeodnsServer server = GeodnsServer.start();
        try {
            Checks.rcode(Via.DIG_UDP.ask(server, Ask.of("www.example.com", "A")), "NOERROR");
            assertEquals(200, server.httpStatus("/healthz"), "healthz while running");
        } finally {
            int exit = server.stop();
            assertEquals(0, exit, () -> "exit code after SIGTERM; server output:\n" + server.log());
        }
    }

    @Test
    void everyDnsAddressServesUdpAndTcp() {
        InetAddress v6 = GeodnsServer.ipv6LoopbackOrNull();
        // With ::1 available the second address is [::1]:PORT; without, a second IPv4 port.
        InetAddress second = v6 != null ? v6 : GeodnsServer.LOOPBACK;
        try (GeodnsServer server = GeodnsServer.start(GeodnsServer.exampleZones(), second)) {
            assertEquals(2, server.dnsAddresses().size());
            for (InetSocketAddress address : server.dnsAddresses()) {
                for (Via via : Via.values()) {
                    Reply reply = via.ask(address, Ask.of("www.example.com", "A"));
                    Checks.rcode(reply, "NOERROR");
                    Checks.answer(reply, "www.example.com. A 192.0.2.80");
                }
            }
        }
        if (v6 == null) {
            System.err.println("everyDnsAddressServesUdpAndTcp: ::1 unavailable, tested two IPv4 ports instead");
        }
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** True if one line of {@code text} contains every word, each as a whole token. */
    private static boolean lineWith(String text, String... words) {
        for (String line : text.split("\n")) {
            boolean all = Arrays.stream(words).allMatch(
                    w -> Pattern.compile("(^|[^A-Za-z0-9.])" + Pattern.quote(w) + "($|[^A-Za-z0-9])").matcher(line)
                            .find());
            if (all) {
                return true;
            }
        }
        return false;
    }

    /** True if a line of {@code stderr} reads {@code ...file:line: reason}. */
    private static boolean hasErrorLine(String stderr, String file, int line) {
        Pattern p = Pattern.compile("(^|[/\\s])" + Pattern.quote(file) + ":" + line + ": \\S");
        return stderr.lines().anyMatch(l -> p.matcher(l).find());
    }

}
