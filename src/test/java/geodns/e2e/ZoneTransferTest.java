package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Axfr;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.RawQuery;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zone transfers through the real server and dig: who gets AXFR (allow-list, TSIG), what it holds (the zone
 * file, geo names' default answers, SOA first and last), IXFR answered AXFR-style, transfers over UDP, signed
 * multi-message streams, and NOTIFY sent to us refused. One server on three zones:
 * example.com (the example, open to 127.0.0.1), signed.test (big, needs key "secondary") and closed.test
 * (allowed to 192.0.2.0/24 only).
 */
@ExtendWith(ServerLogOnFailure.class)
class ZoneTransferTest {
    private static final int TYPE_SOA = 6;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int OPCODE_NOTIFY = 4;
    static final int BIG_RECORDS = 3000;
    private static final String EXAMPLE_SERIAL = "2026112301";

    @TempDir
    static Path dir;
    private static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        for (String file : List.of("example.com.zone", "geo.yaml")) {
            Files.copy(GeodnsServer.exampleZones().resolve(file), zones.resolve(file));
        }
        Files.writeString(zones.resolve("signed.test.zone"), bigZone("signed.test."));
        Files.writeString(zones.resolve("closed.test.zone"), smallZone("closed.test."));
        ConfigFiles.replace(zones.resolve("transfer.yaml"), """
                keys:
                  %s: { algorithm: hmac-sha256, secret: "%s" }
                  %s: { secret: "%s" }
                zones:
                  example.com: { allow: [127.0.0.1/32, "::1/128"] }
                  signed.test: { allow: [127.0.0.0/8], key: secondary }
                  closed.test: { allow: [192.0.2.0/24] }
                """.formatted(Axfr.KEY, Axfr.SECRET, Axfr.OTHER_KEY, Axfr.OTHER_SECRET));
        server = GeodnsServer.start(zones);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static String smallZone(String origin) {
        return "$ORIGIN " + origin + "\n$TTL 300\n"
                + "@ IN SOA ns1 hostmaster 1 7200 900 1209600 300\n"
                + "@ IN NS ns1\nns1 IN A 192.0.2.53\nwww IN A 192.0.2.80\n";
    }

    /** A zone far larger than one transfer message (16 KiB): BIG_RECORDS TXT records of ~60 bytes. */
    static String bigZone(String origin) {
        StringBuilder zone = new StringBuilder(smallZone(origin));
        for (int i = 0; i < BIG_RECORDS; i++) {
            zone.append("host-").append(i).append(" IN TXT \"record ").append(i)
                    .append(" of a zone that needs several messages\"\n");
        }
        return zone.toString();
    }

    private static byte[] overTcp(String name, int type) {
        return Wire.exchange(Transport.TCP, server.dns(), RawQuery.query(0x4242, name, type).bytes());
    }

    // ------------------------------------------------------------------------------------------ what goes out

    @Test
    void axfrOfAnAllowedZoneHasEveryRecordOfTheFileWithTheSoaFirstAndLast() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "example.com", "AXFR");
        assertTrue(transfer.complete(), transfer::text);
        String soa = "example.com. SOA ns1.example.com. hostmaster.example.com. " + EXAMPLE_SERIAL
                + " 7200 900 1209600 300";
        assertEquals(soa, transfer.records().get(0).key(), transfer::text);
        List<String> keys = transfer.keys();
        for (String expected : List.of("www.example.com. A 192.0.2.80", "example.com. NS ns1.example.com.",
                "shop.example.com. CNAME app.example.com.", "*.apps.example.com. A 203.0.113.80",
                "k8s.example.com. NS ns1.k8s.example.com.", "ns1.k8s.example.com. A 192.0.2.153")) {
            assertTrue(keys.contains(expected), () -> expected + " in\n" + transfer.text());
        }
        assertEquals(2, keys.stream().filter(k -> k.contains(" SOA ")).count(), "two SOAs: first and last");
    }

    @Test
    void aGeoNameGoesOutWithTheNodesOfTheFirstLocationOfItsUnknownOrderWithItsTtl() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "example.com", "AXFR");
        List<Rr> app = transfer.records().stream().filter(r -> r.lowerName().equals("app.example.com.")).toList();
        assertEquals(List.of("app.example.com. A 192.0.2.11", "app.example.com. A 192.0.2.12",
                "app.example.com. AAAA 2001:db8:10::11", "app.example.com. AAAA 2001:db8:10::12"),
                app.stream().map(Rr::key).toList(), transfer::text);
        assertTrue(app.stream().allMatch(r -> r.ttl() == 30), () -> "the geo name's ttl 30: " + app);
    }

    @Test
    void ixfrGetsTheWholeZoneAxfrStyle() {
        Axfr.Transfer axfr = Axfr.dig(server.dns(), "example.com", "AXFR");
        Axfr.Transfer ixfr = Axfr.dig(server.dns(), "example.com", "IXFR=1");
        assertTrue(ixfr.complete(), ixfr::text);
        assertEquals(axfr.keys(), ixfr.keys());
    }

    @Test
    void ixfrWithTheCurrentSerialGetsTheLoneSoa() {
        Axfr.Transfer ixfr = Axfr.dig(server.dns(), "example.com", "IXFR=" + EXAMPLE_SERIAL);
        assertEquals(1, ixfr.records().size(), ixfr::text);
        assertEquals("SOA", ixfr.records().get(0).type());
    }

    @Test
    void aBigZoneGoesOutInSeveralMessages() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "signed.test", "AXFR", Axfr.key(Axfr.KEY, Axfr.SECRET));
        assertTrue(transfer.complete(), transfer::text);
        assertEquals(BIG_RECORDS + 5, transfer.records().size(), "SOA, NS, 2 A, the TXTs, SOA");
        assertTrue(transfer.messages() >= 10, () -> "~190 kB in messages of at most ~16 kB: " + transfer.messages());
    }

    // ------------------------------------------------------------------------------------------ who gets it

    @Test
    void axfrFromAnAddressOutsideTheAllowListIsRefused() {
        byte[] reply = overTcp("closed.test.", TYPE_AXFR);
        assertEquals(5, Wire.rcode(reply), () -> "REFUSED\n" + Wire.hex(reply));
        assertEquals(0, Wire.parse(reply).getSectionArray(1).length);
    }

    @Test
    void axfrOfANameThatIsNoZoneApexIsRefused() {
        byte[] reply = overTcp("www.example.com.", TYPE_AXFR);
        assertEquals(5, Wire.rcode(reply), () -> "REFUSED\n" + Wire.hex(reply));
    }

    @Test
    void axfrOverUdpIsAnEmptyTruncatedReplySoTheClientUsesTcp() {
        byte[] reply = Wire.exchange(Transport.UDP, server.dns(),
                RawQuery.query(0x4243, "example.com.", TYPE_AXFR).bytes());
        assertEquals(0, Wire.rcode(reply), () -> Wire.hex(reply));
        assertTrue(Wire.tc(reply), () -> "TC set\n" + Wire.hex(reply));
        assertEquals(0, Wire.parse(reply).getSectionArray(1).length);
    }

    @Test
    void ixfrOverUdpGetsTheLoneSoa() {
        byte[] reply = Wire.exchange(Transport.UDP, server.dns(),
                RawQuery.query(0x4244, "example.com.", TYPE_IXFR).bytes());
        assertEquals(0, Wire.rcode(reply), () -> Wire.hex(reply));
        var answer = Wire.parse(reply).getSectionArray(1);
        assertEquals(1, answer.length, () -> Wire.parse(reply).toString());
        assertEquals(TYPE_SOA, answer[0].getType());
    }

    @Test
    void signedAxfrWithTheZonesKeyIsServedWithEveryMessageVerifiedByDig() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "signed.test", "AXFR", Axfr.key(Axfr.KEY, Axfr.SECRET));
        assertTrue(transfer.complete(), transfer::text);
        assertTrue(transfer.messages() > 1, transfer::text);
        assertFalse(transfer.text().contains("Couldn't verify") || transfer.text().contains("failed"),
                transfer::text);
        // dig prints the TSIG of the last message; it checked every one on the way.
        assertTrue(transfer.text().contains("TSIG\thmac-sha256."), transfer::text);
    }

    @Test
    void unsignedAxfrOfAZoneWithAKeyIsNotauth() {
        byte[] reply = overTcp("signed.test.", TYPE_AXFR);
        assertEquals(9, Wire.rcode(reply), () -> "NOTAUTH\n" + Wire.hex(reply));
    }

    @Test
    void axfrSignedWithAWrongSecretIsNotauthWithBadsig() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "signed.test", "AXFR",
                Axfr.key(Axfr.KEY, Axfr.OTHER_SECRET));
        assertEquals(0, transfer.messages(), transfer::text);
        assertTrue(transfer.text().contains("BADSIG"), transfer::text);
    }

    @Test
    void axfrSignedWithAnotherKnownKeyIsNotauthWithBadkey() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "signed.test", "AXFR",
                Axfr.key(Axfr.OTHER_KEY, Axfr.OTHER_SECRET));
        assertEquals(0, transfer.messages(), transfer::text);
        assertTrue(transfer.text().contains("BADKEY"), transfer::text);
    }

    @Test
    void axfrSignedWithAnUnknownKeyIsNotauthWithBadkey() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "signed.test", "AXFR", Axfr.key("nobody", Axfr.SECRET));
        assertEquals(0, transfer.messages(), transfer::text);
        assertTrue(transfer.text().contains("BADKEY"), transfer::text);
    }

    @Test
    void aSignedQueryGetsAnAnswerSignedWithTheSameKey() {
        Dig.Output out = Dig.run(server.dns(), "+notcp", "+ignore", Axfr.key(Axfr.KEY, Axfr.SECRET), "signed.test",
                "SOA");
        assertEquals("NOERROR", out.only().rcode(), out::text);
        assertTrue(out.text().contains("TSIG\thmac-sha256.") && out.text().contains(" NOERROR "), out::text);
        assertFalse(out.text().contains("Couldn't verify"), out::text);
    }

    @Test
    void aQueryWithEdnsAndAMalformedTsigIsFormerrWithItsOpt() {
        // A TSIG (type 250, class ANY) whose one byte of RDATA holds no algorithm name, after a sound OPT.
        byte[] tsig = {0, 0, (byte) 250, 0, (byte) 255, 0, 0, 0, 0, 0, 1, 0x79};
        byte[] query = RawQuery.query(0x4246, "signed.test.", TYPE_SOA).opt(0, 1232).arcount(2).tail(tsig).bytes();
        byte[] reply = Wire.exchange(Transport.UDP, server.dns(), query);
        assertEquals(1, Wire.rcode(reply), () -> "FORMERR\n" + Wire.hex(reply));
        assertTrue(Wire.parse(reply).getOPT() != null, () -> "OPT echoed (RFC 6891 §7)\n" + Wire.hex(reply));
    }

    @Test
    void aNotifySentToUsIsRefusedForWeAreThePrimary() {
        byte[] query = RawQuery.query(0x4245, "example.com.", TYPE_SOA).opcode(OPCODE_NOTIFY).bytes();
        byte[] reply = Wire.exchange(Transport.UDP, server.dns(), query);
        assertEquals(OPCODE_NOTIFY, Wire.opcode(reply));
        assertEquals(5, Wire.rcode(reply), () -> "REFUSED\n" + Wire.hex(reply));
    }

    @Test
    void transfersServedAndRefusedAreCounted() {
        double served = PromScrape.of(server).value("geodns_transfers_total", "result", "served");
        double refused = PromScrape.of(server).value("geodns_transfers_total", "result", "refused");
        Axfr.dig(server.dns(), "example.com", "AXFR");
        overTcp("closed.test.", TYPE_AXFR);
        assertEquals(served + 1, PromScrape.of(server).value("geodns_transfers_total", "result", "served"));
        assertEquals(refused + 1, PromScrape.of(server).value("geodns_transfers_total", "result", "refused"));
    }
}
