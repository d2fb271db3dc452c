package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.AdminHttp;
import geodns.e2e.support.GeoQuery;
import geodns.e2e.support.GeoServer;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.MiniJson;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Via;
import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GeoIP file damaged under the running server. Written over in place with something that is not a DB, or cut
 * short, the file is what the server's mapping reads, so the previous snapshot cannot go on "serving the previous
 * config" from it: within one poll (2 s) the server drops it, every client gets each name's unknown order, and
 * /status and /metrics say so, until a good file is back. Garbage inside the search tree of a file that opens is
 * counted and logged per failed lookup.
 */
@ExtendWith(ServerLogOnFailure.class)
class GeoipDatabaseDamagedTest {
    /** Madrid (london) in the good DB; app's unknown order starts with singapore. */
    private static final String MOVING = "127.50.0.0/16";
    /** One poll (2 s) and the reload it starts, with room for a loaded machine. */
    private static final Duration WITHIN_A_POLL = Duration.ofSeconds(6);
    private static final Duration STEP = Duration.ofMillis(50);

    @TempDir
    Path dir;
    private GeodnsServer server;
    private final AtomicInteger freshGroup = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path startWith(byte[] database) throws IOException {
        Path zones = GeoWorld.writeZones(dir.resolve("zones"), GeoWorld.exampleZoneWithoutApp(), GeoServer.GEO_YAML);
        Path mmdb = Files.write(dir.resolve("geo.mmdb"), database);
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());
        return mmdb;
    }

    private static MmdbWriter madrid() {
        return GeoWorld.database().add(MOVING, GeoWorld.city(GeoWorld.MADRID));
    }

    /** The location app.example.com A is answered from for a /24 of MOVING never asked before (no cache). */
    private String freshAnswer() {
        int n = freshGroup.incrementAndGet();
        String subnet = "127.50." + n + ".0/24";
        GeoQuery.Result r = GeoQuery.of("app.example.com", "A").subnet(subnet).ask(Via.DNSJAVA_UDP, server);
        GeoWorld.Location l = GeoWorld.locationWithExactly(GeoWorld.addresses(r.reply(), "A"), "A");
        assertTrue(r.reply().rcode().equals("NOERROR") && l != null, () -> "ECS " + subnet + ": " + r);
        return l.name();
    }

    private Map<String, Object> status() {
        return MiniJson.object(AdminHttp.ok(server, "/status.json"));
    }

    private double metric(String name, String... labels) {
        return PromScrape.of(server).find(name, labels).orElse(0);
    }

    @Test
    void aDatabaseWrittenOverInPlaceWithGarbageIsDroppedWithinAPollAndTheStatusSaysSo() throws IOException {
        byte[] good = madrid().toBytes();
        Path mmdb = startWith(good);
        assertEquals("london", freshAnswer());

        byte[] garbage = new byte[good.length];
        new Random(17).nextBytes(garbage);
        Files.write(mmdb, garbage);   // truncate and write: the same file, as cp does

        Map<String, Object> status = Poll.until(WITHIN_A_POLL, STEP, "/status.json geoip_ok false",
                this::status, s -> Boolean.FALSE.equals(s.get("geoip_ok")));
        String geoip = String.valueOf(status.get("geoip"));
        assertTrue(geoip.contains(mmdb.toString()) && geoip.contains("written over in place")
                && geoip.contains("unknown order"), geoip);
        for (int i = 0; i < 20; i++) {
            assertEquals("singapore", freshAnswer(), "the name's unknown order, not a place read from garbage");
        }
        assertEquals(0, metric("geodns_geoip_database_in_use"));
        assertEquals(1, metric("geodns_geoip_errors_total", "reason", "changed_in_place"));
        assertTrue(AdminHttp.ok(server, "/status").contains("<p class=\"down\">GeoIP: none: "));
    }

    @Test
    void aGoodDatabaseWrittenInPlaceAfterGarbageIsServedAgain() throws IOException {
        byte[] good = madrid().toBytes();
        Path mmdb = startWith(good);
        byte[] garbage = new byte[good.length];
        new Random(18).nextBytes(garbage);
        Files.write(mmdb, garbage);
        Poll.until(WITHIN_A_POLL, STEP, "GeoIP dropped", this::status, s -> Boolean.FALSE.equals(s.get("geoip_ok")));

        Files.write(mmdb, GeoWorld.database().add(MOVING, GeoWorld.city(GeoWorld.BERLIN)).toBytes());
        Poll.until(WITHIN_A_POLL, STEP, "fresh /24s of " + MOVING + " answered from frankfurt (Berlin)",
                this::freshAnswer, "frankfurt"::equals);
        assertEquals(true, status().get("geoip_ok"));
        assertEquals(1, metric("geodns_geoip_database_in_use"));
    }

    @Test
    void aDatabaseCutShortInPlaceIsDroppedAndExplainAnswersThroughout() throws IOException {
        // 4,096 /24s under 127.64/12 make a file of many pages; cut to 8 KiB, lookups that reach past the end
        // fault (SIGBUS, an InternalError in Java) until the poll drops the DB.
        MmdbWriter big = madrid();
        for (int i = 0; i < 4096; i++) {
            big.add("127." + (64 + (i >> 8)) + "." + (i & 255) + ".0/24", GeoWorld.city(i % 2 == 0 ? GeoWorld.BERLIN
                    : GeoWorld.MADRID));
        }
        Path mmdb = startWith(big.toBytes());
        try (FileChannel file = FileChannel.open(mmdb, StandardOpenOption.WRITE)) {
            file.truncate(8192);
        }
        long deadline = System.nanoTime() + WITHIN_A_POLL.toNanos();
        int i = 0;
        while (!Boolean.FALSE.equals(status().get("geoip_ok"))) {
            assertTrue(System.nanoTime() < deadline, "the GeoIP DB cut short is still in use after " + WITHIN_A_POLL);
            String ip = "127." + (64 + (i >> 8 & 15)) + "." + (i & 255) + ".9";
            i++;
            AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=" + ip + "&name=app.example.com");
            assertTrue(r.status() == 200 || r.status() == 500, r::toString);
        }
        AdminHttp.Response after = AdminHttp.get(server, "/explain?ip=127.64.1.9&name=app.example.com");
        assertEquals(200, after.status(), after::toString);
        assertEquals("singapore", freshAnswer());
        assertTrue(server.isAlive());
    }

    @Test
    void explainAnswersPromptlyWhenTheDatabaseIsCutShortAfterTheExplainPathWasCompiled() throws IOException {
        MmdbWriter big = madrid();
        for (int i = 0; i < 4096; i++) {
            big.add("127." + (64 + (i >> 8)) + "." + (i & 255) + ".0/24", GeoWorld.city(i % 2 == 0 ? GeoWorld.BERLIN
                    : GeoWorld.MADRID));
        }
        Path mmdb = startWith(big.toBytes());
        // Compiled, a fault in the mapped file surfaces as an InternalError wherever the admin thread then is,
        // which left the exchange unanswered for good: warm the path up until the JIT has compiled it.
        long warm = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (int i = 0; i < 20_000 && System.nanoTime() < warm; i++) {
            AdminHttp.get(server, "/explain?ip=127." + (64 + (i >> 8 & 15)) + "." + (i & 255) + "." + (i >> 12)
                    + "&name=app.example.com");
        }
        try (FileChannel file = FileChannel.open(mmdb, StandardOpenOption.WRITE)) {
            file.truncate(8192);
        }
        long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            String ip = "127." + (64 + (i >> 8 & 15)) + "." + (i & 255) + ".77";
            long t = System.nanoTime();
            AdminHttp.Response r = AdminHttp.get(server, "/explain?ip=" + ip + "&name=app.example.com");
            long millis = (System.nanoTime() - t) / 1_000_000;
            assertTrue((r.status() == 200 || r.status() == 500) && millis < 2000, () -> millis + " ms: " + r);
        }
    }

    @Test
    void lookupsThatCrossGarbageInTheSearchTreeAreCountedAndLoggedOnce() throws IOException {
        // 4,096 /24s under 127.64/12, Berlin (frankfurt) and Madrid (london); 8 KiB of garbage at the end of the
        // search tree, where the nodes above them are: the file opens, and some lookups fail.
        MmdbWriter writer = GeoWorld.database();
        for (int i = 0; i < 4096; i++) {
            writer.add("127." + (64 + (i >> 8)) + "." + (i & 255) + ".0/24", GeoWorld.city(i % 2 == 0
                    ? GeoWorld.BERLIN : GeoWorld.MADRID));
        }
        startWith(writer.toBytesWithTreeGarbage(8 * 1024));
        int unknown = 0;
        for (int i = 0; i < 4096; i++) {
            String subnet = "127." + (64 + (i >> 8)) + "." + (i & 255) + ".0/24";
            GeoQuery.Result r = GeoQuery.of("app.example.com", "A").subnet(subnet).ask(Via.DNSJAVA_UDP, server);
            GeoWorld.Location l = GeoWorld.locationWithExactly(GeoWorld.addresses(r.reply(), "A"), "A");
            assertTrue(l != null, () -> subnet + ": " + r);
            unknown += l.name().equals("singapore") ? 1 : 0;
        }
        int failed = unknown;
        assertTrue(failed > 0 && failed < 4096, () -> failed + " of 4096 /24s unplaced: the garbage should cover some");
        assertEquals(failed, metric("geodns_geoip_errors_total", "reason", "search_tree"));
        assertEquals(1, server.log().lines().filter(line -> line.contains("lookup failed on the database (search_tree)"))
                .count(), server::log);
    }
}
