package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Ask;
import geodns.e2e.support.Axfr;
import geodns.e2e.support.Checks;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.KnotSecondary;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.Reply;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.Via;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real secondary: Knot DNS on loopback takes example.com from geodns by TSIG-signed AXFR, answers for it
 * (geo names with their default answer), and fetches a new serial as soon as geodns NOTIFYs it after a reload.
 * The zone's refresh interval is two hours, so within seconds only NOTIFY can explain the fetch.
 */
@ExtendWith(ServerLogOnFailure.class)
class KnotSecondaryTest {
    private static final String OLD_SERIAL = "2026112301";
    private static final String NEW_SERIAL = "2026112302";
    private static final Duration FIRST_TRANSFER = Duration.ofSeconds(15);
    private static final Duration AFTER_NOTIFY = Duration.ofSeconds(5);
    private static final Duration STEP = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private GeodnsServer primary;
    private KnotSecondary knot;
    private Path zones;

    @BeforeEach
    void start() throws IOException {
        zones = dir.resolve("zones");
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
        primary = GeodnsServer.start(zones);
        knot = KnotSecondary.start(dir.resolve("knot"), knotPort, "example.com", primary.dns(), Axfr.KEY,
                Axfr.SECRET);
    }

    @AfterEach
    void stop() {
        if (knot != null) {
            knot.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    private String secondarySerial() {
        Reply reply = Via.DIG_UDP.ask(knot.dns(), Ask.of("example.com", "SOA"));
        return reply.rcode().equals("NOERROR") && !reply.answer().isEmpty()
                ? reply.answer().get(0).data().split(" ")[2] : reply.rcode();
    }

    private void awaitSecondarySerial(Duration within, String serial) {
        Poll.until(within, STEP, "Knot serves serial " + serial + "\n--- knotd log:\n" + knot.log(),
                this::secondarySerial, serial::equals);
    }

    @Test
    void theSecondaryServesTheZoneWithTheGeoNamesDefaultAnswer() {
        awaitSecondarySerial(FIRST_TRANSFER, OLD_SERIAL);
        Reply www = Via.DIG_UDP.ask(knot.dns(), Ask.of("www.example.com", "A"));
        Checks.answer(www, "www.example.com. A 192.0.2.80");
        Reply app = Via.DIG_UDP.ask(knot.dns(), Ask.of("app.example.com", "A"));
        Checks.answerInAnyOrder(app, "app.example.com. A 192.0.2.11", "app.example.com. A 192.0.2.12");
        Reply app6 = Via.DIG_UDP.ask(knot.dns(), Ask.of("app.example.com", "AAAA"));
        Checks.answerInAnyOrder(app6, "app.example.com. AAAA 2001:db8:10::11", "app.example.com. AAAA 2001:db8:10::12");
        assertTrue(knot.log().contains("AXFR, incoming"), knot::log);
    }

    @Test
    void aNewSerialReachesTheSecondaryByNotifyWithinSecondsOfAReload() throws IOException {
        awaitSecondarySerial(FIRST_TRANSFER, OLD_SERIAL);
        Path zoneFile = zones.resolve("example.com.zone");
        String changed = Files.readString(zoneFile).replace(OLD_SERIAL + " ; serial", NEW_SERIAL + " ; serial")
                .replace("IN  A    192.0.2.80\n", "IN  A    192.0.2.81\n");
        assertTrue(changed.contains(NEW_SERIAL) && changed.contains("192.0.2.81"), "the example zone changed shape");
        ConfigFiles.replace(zoneFile, changed);
        Signals.hangUp(primary);
        awaitSecondarySerial(AFTER_NOTIFY, NEW_SERIAL);
        Checks.answer(Via.DIG_UDP.ask(knot.dns(), Ask.of("www.example.com", "A")), "www.example.com. A 192.0.2.81");
        assertTrue(knot.log().contains("notify, incoming"), knot::log);
        // The start-up NOTIFY may have gone out before Knot listened and been superseded while retried: the
        // new serial's NOTIFY is the one that must be acknowledged.
        Poll.until(AFTER_NOTIFY, STEP, "the NOTIFY acknowledged and counted",
                () -> PromScrape.of(primary).value("geodns_notifies_total", "result", "acked"), n -> n >= 1);
        assertEquals(0, PromScrape.of(primary).value("geodns_notifies_total", "result", "failed"));
    }
}
