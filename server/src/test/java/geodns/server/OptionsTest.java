package geodns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.RateLimiter;
import geodns.server.transport.DnsServer;
import geodns.server.wire.Network;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command-line contract: defaults, address syntax, and a one-line reason for every mistake. */
class OptionsTest {
    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(args);
    }

    /** The message of the usage error for {@code args}, checked to be one line. */
    private static String usageError(String... args) {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> Options.parse(args));
        String message = e.getMessage();
        assertFalse(message == null || message.isBlank(), "a reason is given");
        assertFalse(message.contains("\n"), () -> "one line: " + message);
        return message;
    }

    private static InetSocketAddress at(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void serveDefaults() throws Exception {
        Options o = parse("serve");
        assertEquals("serve", o.command());
        assertEquals(Path.of("zones"), o.zones());
        assertEquals(List.of(at("127.0.0.1", 5300)), o.dns());
        assertEquals(at("127.0.0.1", 8053), o.http());
        assertEquals(List.of(), o.geoip());
        assertEquals(1232, o.udpMax());
        assertTrue(o.nativeUdp());
        assertEquals(new DnsServer.Limits(10, 1000, 16, 0, 120), o.tcp());
        assertEquals(new RateLimiter.Settings(200, 2, 15, List.of(Network.parse("127.0.0.0/8"), Network.parse("::1"))),
                o.rrl());
        assertEquals(50_000, o.maxRecords());
    }

    @Test
    void dnssecKeygenTakesAZoneTheKeysFolderAndAnAlgorithm() throws Exception {
        Options o = parse("dnssec", "keygen", "example.com", "--keys", "/etc/geodns/keys", "--algorithm", "15");
        assertEquals(List.of("keygen", "example.com"), o.arguments());
        assertEquals(Path.of("/etc/geodns/keys"), o.keys());
        assertEquals(15, o.algorithm());
        assertEquals(13, parse("dnssec", "ds", "example.com", "--keys", "k").algorithm());
    }

    @Test
    void dnssecMistakesAreUsageErrors() {
        String usage = "dnssec needs keygen ZONE --keys DIR [--algorithm 13|15], or ds ZONE --keys DIR";
        assertEquals(usage, usageError("dnssec", "keygen", "example.com"));
        assertEquals(usage, usageError("dnssec", "sign", "example.com", "--keys", "k"));
        assertEquals(usage, usageError("dnssec", "ds", "--keys", "k"));
        assertEquals("--algorithm must be 13 (ECDSAP256SHA256) or 15 (ED25519), not '8'",
                usageError("dnssec", "keygen", "example.com", "--keys", "k", "--algorithm", "8"));
        assertEquals("--algorithm is an option of dnssec keygen", usageError("serve", "--algorithm", "15"));
    }

    @Test
    void maxRecordsIsRead() throws Exception {
        assertEquals(2_000_000, parse("check", "--max-records", "2000000").maxRecords());
    }

    @Test
    void udpTransportNettyTurnsTheNativeOneOff() throws Exception {
        assertFalse(Options.parse(new String[] {"serve", "--udp-transport", "netty"}).nativeUdp());
        assertTrue(Options.parse(new String[] {"serve", "--udp-transport", "native"}).nativeUdp());
    }

    @Test
    void checkTakesTheZonesFolder() throws Exception {
        Options o = parse("check", "--zones", "/etc/geodns/zones");
        assertEquals("check", o.command());
        assertEquals(Path.of("/etc/geodns/zones"), o.zones());
    }

    @Test
    void everyOptionIsRead() throws Exception {
        Options o = parse("serve", "--zones", "z", "--dns", "0.0.0.0:53", "--http", "[::1]:9000", "--geoip", "g.mmdb",
                "--udp-max", "4096", "--tcp-idle", "30", "--tcp-max-conns", "50");
        assertEquals(Path.of("z"), o.zones());
        assertEquals(List.of(at("0.0.0.0", 53)), o.dns());
        assertEquals(at("::1", 9000), o.http());
        assertEquals(List.of(Path.of("g.mmdb")), o.geoip());
        assertEquals(4096, o.udpMax());
        assertEquals(30, o.tcp().tcpIdleSeconds());
        assertEquals(50, o.tcp().tcpMaxConnections());
    }

    @Test
    void abuseLimitsAreRead() throws Exception {
        Options o = parse("serve", "--tcp-max-conns-per-client", "4", "--tcp-max-queries", "0", "--tcp-lifetime", "30",
                "--rrl-rate", "50", "--rrl-slip", "0", "--rrl-window", "5", "--rrl-exempt", "10.0.0.0/8, 2001:db8::/32");
        assertEquals(new DnsServer.Limits(10, 1000, 4, 0, 30), o.tcp());
        assertEquals(new RateLimiter.Settings(50, 0, 5,
                List.of(Network.parse("10.0.0.0/8"), Network.parse("2001:db8::/32"))), o.rrl());
    }

    @Test
    void rateLimitingIsOffAtRateZeroAndExemptsNobodyWithNone() throws Exception {
        assertFalse(parse("serve", "--rrl-rate", "0").rrl().enabled());
        assertEquals(List.of(), parse("serve", "--rrl-exempt", "none").rrl().exempt());
    }

    @Test
    void badExemptBlockIsAUsageError() {
        assertTrue(usageError("serve", "--rrl-exempt", "10.0.0.0/33").contains("10.0.0.0/33"));
        assertTrue(usageError("serve", "--rrl-exempt", "localhost").contains("localhost"));
        assertTrue(usageError("serve", "--rrl-slip", "16").contains("--rrl-slip"));
    }

    @Test
    void dnsTakesSeveralAddressesWithIpv6InBrackets() throws Exception {
        Options o = parse("serve", "--dns", "127.0.0.1:53,[::1]:5300");
        assertEquals(List.of(at("127.0.0.1", 53), at("::1", 5300)), o.dns());
    }

    @Test
    void dnsAddressesMayHaveSpacesAfterCommas() throws Exception {
        assertEquals(List.of(at("127.0.0.1", 53), at("127.0.0.2", 54)),
                parse("serve", "--dns", "127.0.0.1:53, 127.0.0.2:54").dns());
    }

    @Test
    void fullIpv6AddressInBracketsIsRead() throws Exception {
        assertEquals(List.of(at("2001:db8::1", 53)), parse("serve", "--dns", "[2001:db8::1]:53").dns());
    }

    @Test
    void portZeroAsksForAFreePort() throws Exception {
        assertEquals(0, parse("serve", "--dns", "127.0.0.1:0").dns().get(0).getPort());
    }

    @Test
    void helpIsACommandAndAFlag() throws Exception {
        assertEquals("--help", parse("--help").command());
        assertEquals("--help", parse("serve", "--help").command());
        assertEquals("--help", parse("check", "-h").command());
        assertTrue(Options.USAGE.contains("--dns HOST:PORT"));
    }

    @Test
    void ipv6WithoutBracketsIsAUsageError() {
        String message = usageError("serve", "--dns", "::1:5300");
        assertTrue(message.contains("::1:5300"), message);
        assertTrue(message.contains("brackets"), message);
    }

    @Test
    void ipv6WithoutBracketsInAListIsAUsageError() {
        assertTrue(usageError("serve", "--dns", "127.0.0.1:53,::1:53").contains("brackets"));
    }

    @Test
    void portAbove65535IsAUsageError() {
        String message = usageError("serve", "--dns", "127.0.0.1:65536");
        assertTrue(message.contains("65536"), message);
        assertTrue(message.contains("port"), message);
    }

    @Test
    void portThatIsNotANumberIsAUsageError() {
        assertTrue(usageError("serve", "--http", "127.0.0.1:http").contains("'http'"));
        assertTrue(usageError("serve", "--dns", "127.0.0.1:-1").contains("port"));
        assertTrue(usageError("serve", "--dns", "127.0.0.1:").contains("port"));
    }

    @Test
    void addressWithoutPortIsAUsageError() {
        assertTrue(usageError("serve", "--dns", "127.0.0.1").contains("HOST:PORT"));
        assertTrue(usageError("serve", "--dns", ":53").contains("HOST:PORT"));
    }

    @Test
    void unknownFlagIsAUsageError() {
        String message = usageError("serve", "--port", "53");
        assertTrue(message.contains("--port"), message);
        assertTrue(message.contains("unknown"), message);
    }

    @Test
    void unknownFlagWithoutAValueIsReportedAsUnknown() {
        String message = usageError("serve", "--verbose");
        assertTrue(message.contains("unknown"), message);
    }

    @Test
    void missingValueIsAUsageError() {
        for (String flag : List.of("--zones", "--dns", "--http", "--geoip", "--udp-max")) {
            String message = usageError("serve", flag);
            assertTrue(message.contains(flag), message);
            assertTrue(message.contains("value"), message);
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertTrue(usageError("start").contains("start"));
        assertTrue(usageError().contains("command"));
    }

    @Test
    void strayArgumentIsAUsageError() {
        assertTrue(usageError("serve", "extra").contains("extra"));
    }

    @Test
    void numbersOutOfRangeAreUsageErrors() {
        assertTrue(usageError("serve", "--udp-max", "100").contains("--udp-max"));
        assertTrue(usageError("serve", "--tcp-idle", "0").contains("--tcp-idle"));
        assertTrue(usageError("serve", "--tcp-max-conns", "lots").contains("--tcp-max-conns"));
    }
}
