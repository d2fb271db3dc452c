package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Axfr;
import geodns.e2e.support.Commands;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.KnotSecondary;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Programs;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Unbound;
import geodns.e2e.support.Validating;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The signed zone as a secondary receives it: the AXFR from the real server passes three independent zone
 * verifiers (ldns-verify-zone, BIND's dnssec-verify, Knot's kzonecheck), and Knot as a secondary serves it with
 * signatures that Unbound, anchored on the zone's DS and pointed at Knot alone, validates (geo names with their
 * default answer, signed). No private key is in the transfer.
 */
@ExtendWith(ServerLogOnFailure.class)
class TransferredZoneVerifiesTest {
    private static final Duration FIRST_TRANSFER = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofMillis(200);

    @TempDir
    static Path dir;
    private static Path keys;
    private static GeodnsServer primary;
    private static KnotSecondary knot;
    private static Unbound unbound;

    @BeforeAll
    static void start() throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        for (String file : List.of("example.com.zone", "geo.yaml")) {
            Files.copy(GeodnsServer.exampleZones().resolve(file), zones.resolve(file));
        }
        int knotPort = KnotSecondary.freePort();
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        ConfigFiles.replace(zones.resolve("transfer.yaml"), """
                keys:
                  %s: { algorithm: hmac-sha256, secret: "%s" }
                zones:
                  example.com: { allow: [%s], key: %s, notify: ["%s:%d"] }
                """.formatted(Axfr.KEY, Axfr.SECRET, loopback, Axfr.KEY, loopback, knotPort));
        keys = dir.resolve("keys");
        Validating.keygen("example.com", keys);
        primary = GeodnsServer.start(zones, "--keys", keys.toString());
        knot = KnotSecondary.start(dir.resolve("knot"), knotPort, "example.com", primary.dns(), Axfr.KEY,
                Axfr.SECRET);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {unbound, knot, primary}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the next one still stops
            }
        }
    }

    /** The zone as AXFR brought it, one record a line, the closing SOA left out: a master file. */
    private static Path transferred(String name) throws IOException {
        Axfr.Transfer axfr = Axfr.dig(primary.dns(), "example.com", "AXFR", Axfr.key(Axfr.KEY, Axfr.SECRET));
        assertTrue(axfr.complete(), axfr::text);
        List<Rr> records = axfr.records().subList(0, axfr.records().size() - 1);
        assertTrue(records.stream().anyMatch(r -> r.type().equals("RRSIG")), "signatures in the transfer:\n"
                + axfr.text());
        return Files.writeString(dir.resolve(name), records.stream()
                .map(r -> String.join(" ", r.name(), Long.toString(r.ttl()), r.cls(), r.type(), r.data()))
                .collect(Collectors.joining("\n", "", "\n")));
    }

    @Test
    void theTransferredZonePassesLdnsVerifyZone() throws Exception {
        Programs.require("ldns-verify-zone", "ldnsutils");
        Path zone = transferred("ldns.zone");
        String out = Commands.run(60, "ldns-verify-zone", zone.toString());   // fails on a non-zero exit
        assertTrue(out.contains("Zone is verified and complete"), out);
    }

    @Test
    void theTransferredZonePassesBindsDnssecVerify() throws Exception {
        Programs.require("dnssec-verify", "bind9-utils");
        Path zone = transferred("bind.zone");
        // -z: one combined key (flags 257) signs everything, as keygen makes it.
        String out = Commands.run(60, "dnssec-verify", "-z", "-o", "example.com", zone.toString());
        assertTrue(out.contains("Zone fully signed"), out);
    }

    @Test
    void theTransferredZonePassesKzonecheck() throws Exception {
        Programs.require("kzonecheck", "knot");
        Path zone = transferred("knot.zone");
        String out = Commands.run(60, "kzonecheck", "-d", "on", "-o", "example.com", zone.toString());
        assertFalse(out.toLowerCase(java.util.Locale.ROOT).contains("error"), out);
    }

    @Test
    void theTransferHoldsNoPrivateKey() throws IOException {
        String transfer = Files.readString(transferred("private.zone"));
        try (var files = Files.list(keys)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".private")).toList()) {
                String key = Files.readAllLines(p).stream().filter(l -> l.startsWith("PrivateKey: ")).findFirst()
                        .orElseThrow().substring("PrivateKey: ".length());
                assertFalse(transfer.contains(key.substring(0, 16)), "a private key in the transfer");
            }
        }
    }

    @Test
    void knotAsSecondaryServesTheZoneWithSignaturesThatValidate() throws IOException {
        Poll.until(FIRST_TRANSFER, STEP, "Knot serves example.com\n--- knotd log:\n" + knot.log(),
                () -> Dig.run(knot.dns(), "+norecurse", "-t", "SOA", "-q", "example.com").only().rcode(),
                "NOERROR"::equals);
        Reply signed = Dig.run(knot.dns(), "+norecurse", "+dnssec", "-t", "A", "-q", "www.example.com").only();
        assertTrue(signed.answer().stream().anyMatch(r -> r.type().equals("RRSIG")), "RRSIG from Knot: " + signed);
        unbound = Unbound.start(dir.resolve("unbound"), "example.com.", knot.dns(),
                Validating.ds("example.com", keys), false);
        for (String[] q : new String[][] {{"www.example.com", "A"}, {"app.example.com", "A"},
                {"nope.example.com", "A"}, {"www.example.com", "MX"}, {"foo.apps.example.com", "A"}}) {
            Reply reply = Validating.ask(unbound.dns(), q[0], q[1]);
            assertTrue(reply.flag("ad"), () -> "AD through Knot for " + q[0] + " " + q[1] + reply
                    + "\n--- unbound log\n" + unbound.log());
        }
        assertEquals("NXDOMAIN", Validating.ask(unbound.dns(), "nope.example.com", "A").rcode());
    }
}
