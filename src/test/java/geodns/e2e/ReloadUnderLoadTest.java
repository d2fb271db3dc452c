package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeoWorld;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.PromScrape;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Signals;
import geodns.e2e.support.UdpClient;
import geodns.geoip.testing.MmdbWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Reload under load: four threads query without pause over UDP (no retries, a 2 s timeout each) from clients in
 * different subnets (ECS), while the zone (serial bumped every time) and the GeoIP database are replaced 20 times,
 * six of them with a bad file (a zone that cannot load, a GeoIP file that is no database). Triggers are mixed:
 * SIGHUP most rounds, the file watcher alone on others.
 *
 * <p>Every reply must be one a complete snapshot gives: NOERROR and authoritative; {@code v.example.com} carries
 * both addresses of one good round; the SOA the serial of one good round; per thread, rounds never go backwards;
 * {@code app.example.com} carries exactly the nodes of one location, a location some good database sends that
 * subnet to, with the database network's prefix as ECS scope. No query may go unanswered.
 */
@ExtendWith(ServerLogOnFailure.class)
class ReloadUnderLoadTest {
    private static final int ROUNDS = 20;
    private static final Set<Integer> BAD_ZONE_ROUNDS = Set.of(4, 8, 15);
    private static final Set<Integer> BAD_DB_ROUNDS = Set.of(6, 10, 17);
    /** Rounds with no signal: only the watcher (every 2 s) notices them, or the next round's signal. */
    private static final Set<Integer> UNSIGNALLED_ROUNDS = Set.of(2, 7, 11, 14, 17);
    private static final long ROUND_MILLIS = 600;
    private static final int THREADS = 4;
    private static final int TIMEOUT_MS = 2000;
    /**
     * Bounds of each load thread besides the test's stop: a count high enough that a fast machine cannot run out
     * of queries before the last round is served (200,000 did, at about 67,000 answers a second), and a time.
     */
    private static final long MAX_QUERIES_PER_THREAD = 5_000_000;
    private static final long MAX_LOAD_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    private static final int SERIAL_BASE = 1000;

    /** The client networks (ECS /24s inside them) and where each database variant places them. */
    private record Group(int octet, GeoWorld.City inA, GeoWorld.City inB) {
        String network() {
            return "127." + octet + ".0.0/16";
        }

        Set<String> validLocations() {
            return new TreeSet<>(List.of(inA.nearest().name(), inB.nearest().name()));
        }
    }

    private static final List<Group> GROUPS = List.of(
            new Group(61, GeoWorld.NEW_YORK, GeoWorld.MADRID),      // seattle | london
            new Group(62, GeoWorld.BERLIN, GeoWorld.VANCOUVER),     // frankfurt | seattle
            new Group(63, GeoWorld.MADRID, GeoWorld.BERLIN),        // london | frankfurt
            new Group(64, GeoWorld.VANCOUVER, GeoWorld.NEW_YORK));  // seattle | seattle

    private static final String GEO_YAML = GeoWorld.locationsYaml(GeoWorld.LOCATIONS) + """
            names:
              app.example.com:
                ttl: 30
                unknown: [singapore, frankfurt, london, seattle]
            """;

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    // ------------------------------------------------------------------------------------------ files

    /** Round r's zone: serial 1000 + r, v.example.com at 10.r.0.1 and 10.r.0.2. */
    private static String zone(int round) {
        return String.join("\n",
                "$ORIGIN example.com.",
                "$TTL 300",
                "@    IN SOA ns1 hostmaster " + (SERIAL_BASE + round) + " 7200 900 1209600 300",
                "     IN NS  ns1",
                "ns1  IN A   192.0.2.53",
                "v    IN A   10." + round + ".0.1",
                "v    IN A   10." + round + ".0.2",
                "");
    }

    /** A zone that cannot load, though it carries a serial and addresses of its own (never to be served). */
    private static String badZone(int round) {
        String bad = switch (round % 3) {
            case 0 -> "w    IN A   10.0.0.300";
            case 1 -> "w    IN A";
            default -> "w    IN NOSUCHTYPE 1";
        };
        return zone(round).replace(" " + (SERIAL_BASE + round) + " ", " " + (9000 + round) + " ")
                .replace("10." + round + ".", "10." + (100 + round) + ".") + bad + "\n";
    }

    /** Database variant A (even rounds) or B (odd rounds). */
    private static MmdbWriter database(int round) {
        MmdbWriter db = new MmdbWriter("GeoLite2-City");
        for (Group g : GROUPS) {
            db.add(g.network(), GeoWorld.city(round % 2 == 0 ? g.inA() : g.inB()));
        }
        return db;
    }

    private static byte[] badDatabase(int round, byte[] good) {
        return switch (round % 3) {
            case 0 -> java.util.Arrays.copyOf(good, good.length / 2);          // cut short: no metadata
            case 1 -> "this is not a MaxMind DB\n".repeat(200).getBytes();    // text
            default -> {
                byte[] noise = new byte[good.length];
                new Random(round).nextBytes(noise);
                yield noise;
            }
        };
    }

    // ------------------------------------------------------------------------------------------ load

    /** What the threads saw, shared. */
    private static final class Observed {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final List<String> timeoutDetails = new CopyOnWriteArrayList<>();
        final Set<Integer> roundsSeen = ConcurrentHashMap.newKeySet();
        final Map<Integer, Set<String>> locationsSeen = new ConcurrentHashMap<>();

        void violation(String what) {
            if (violations.size() < 50) {
                violations.add(what);
            }
        }
    }

    private static Message query(String name, int type, String subnet) {
        Message m;
        try {
            m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(name, e);
        }
        m.getHeader().unsetFlag(Flags.RD);
        List<EDNSOption> options = new ArrayList<>();
        if (subnet != null) {
            options.add(new ClientSubnetOption(24, GeoWorld.address(subnet)));
        }
        m.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        return m;
    }

    /** One thread's loop: v, SOA, and app from a random /24 of a random group, in turn, until told to stop. */
    private void load(int thread, AtomicBoolean stop, Set<Integer> goodRounds, Observed seen) {
        int highestRound = -1;
        long n = 0;
        long deadline = System.nanoTime() + MAX_LOAD_NANOS;
        try (UdpClient client = new UdpClient(server.dns(), TIMEOUT_MS)) {
            while (!stop.get() && n < MAX_QUERIES_PER_THREAD && System.nanoTime() - deadline < 0) {
                int kind = (int) (n++ % 3);
                Group group = GROUPS.get(ThreadLocalRandom.current().nextInt(GROUPS.size()));
                String subnet = "127." + group.octet() + "." + ThreadLocalRandom.current().nextInt(256) + ".0";
                Message q = switch (kind) {
                    case 0 -> query("v.example.com.", Type.A, null);
                    case 1 -> query("example.com.", Type.SOA, null);
                    default -> query("app.example.com.", Type.A, subnet);
                };
                String asked = "thread " + thread + " " + q.getQuestion().getName() + " "
                        + Type.string(q.getQuestion().getType()) + (kind == 2 ? " ecs " + subnet + "/24" : "");
                long sent = System.currentTimeMillis();
                Message reply;
                try {
                    reply = client.exchange(q);
                } catch (RuntimeException | AssertionError e) {
                    seen.violation(asked + ": " + e);
                    continue;
                }
                if (reply == null) {
                    seen.timeouts.incrementAndGet();
                    if (seen.timeoutDetails.size() < 20) {
                        seen.timeoutDetails.add(asked + " sent at " + sent + " ms: no reply in " + TIMEOUT_MS + " ms");
                    }
                    continue;
                }
                seen.answered.incrementAndGet();
                String problem = null;
                int round = -1;
                if (reply.getRcode() != Rcode.NOERROR) {
                    problem = "rcode " + Rcode.string(reply.getRcode());
                } else if (!reply.getHeader().getFlag(Flags.AA)) {
                    problem = "not authoritative";
                } else if (kind == 0) {
                    List<Record> answer = reply.getSection(Section.ANSWER);
                    Set<String> addresses = answer.stream().filter(r -> r instanceof ARecord)
                            .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toSet());
                    round = addresses.isEmpty() ? -1 : Integer.parseInt(addresses.iterator().next().split("\\.")[1]);
                    if (answer.size() != 2 || !addresses.equals(Set.of("10." + round + ".0.1", "10." + round + ".0.2"))
                            || !goodRounds.contains(round)) {
                        problem = "v.example.com A is not one good round's pair";
                    }
                } else if (kind == 1) {
                    List<Record> answer = reply.getSection(Section.ANSWER);
                    long serial = answer.size() == 1 && answer.get(0) instanceof SOARecord soa ? soa.getSerial() : -1;
                    round = (int) (serial - SERIAL_BASE);
                    if (!goodRounds.contains(round)) {
                        problem = "SOA serial " + serial + " is not a good round's";
                    }
                } else {
                    problem = checkGeo(reply, group, seen);
                }
                if (problem == null && round >= 0) {
                    if (round < highestRound) {
                        problem = "went back from round " + highestRound + " to round " + round;
                    }
                    highestRound = Math.max(highestRound, round);
                    seen.roundsSeen.add(round);
                }
                if (problem != null) {
                    seen.violation(asked + ": " + problem + "; good rounds so far " + new TreeSet<>(goodRounds)
                            + "; reply:\n" + reply);
                }
            }
        }
    }

    /** Null when the geo answer is exactly one valid location's nodes with the DB network's prefix as scope. */
    private static String checkGeo(Message reply, Group group, Observed seen) {
        Set<String> addresses = reply.getSection(Section.ANSWER).stream().filter(r -> r instanceof ARecord)
                .map(r -> ((ARecord) r).getAddress().getHostAddress()).collect(Collectors.toSet());
        GeoWorld.Location location = GeoWorld.locationWithExactly(addresses, "A");
        if (location == null) {
            return "the answer " + addresses + " is not exactly one location's nodes";
        }
        if (reply.getSection(Section.ANSWER).size() != addresses.size()) {
            return "other records in the answer";
        }
        if (!group.validLocations().contains(location.name())) {
            return "answered from " + location + "; a good database sends " + group.network() + " to "
                    + group.validLocations();
        }
        OPTRecord opt = reply.getOPT();
        List<EDNSOption> ecs = opt == null ? List.of() : opt.getOptions(EDNSOption.Code.CLIENT_SUBNET);
        if (ecs.size() != 1 || ((ClientSubnetOption) ecs.get(0)).getScopePrefixLength() != 16) {
            return "ECS scope is not the database network's /16: " + ecs;
        }
        seen.locationsSeen.computeIfAbsent(group.octet(), k -> ConcurrentHashMap.newKeySet()).add(location.name());
        return null;
    }

    // ------------------------------------------------------------------------------------------ the test

    @Test
    void replacingZonesAndGeoipTwentyTimesUnderLoadNeverDropsOrMisanswersAQuery() throws Exception {
        Path zones = dir.resolve("zones");
        Path zoneFile = zones.resolve("example.com.zone");
        GeoWorld.writeZones(zones, zone(0), GEO_YAML);
        Path mmdb = database(0).write(dir.resolve("geo.mmdb"));
        server = GeodnsServer.start(zones, "--geoip", mmdb.toString());

        Set<Integer> goodRounds = ConcurrentHashMap.newKeySet();
        goodRounds.add(0);
        Observed seen = new Observed();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> crashed = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            Thread thread = new Thread(() -> load(id, stop, goodRounds, seen), "load-" + t);
            thread.setUncaughtExceptionHandler((th, e) -> crashed.add(e));
            threads.add(thread);
        }
        AssertionError lastRoundNotSeen = null;
        double failedBefore = PromScrape.of(server).value("geodns_reloads_total", "result", "failed");
        threads.forEach(Thread::start);
        try {
            Thread.sleep(ROUND_MILLIS);
            for (int round = 1; round <= ROUNDS; round++) {
                if (BAD_ZONE_ROUNDS.contains(round)) {
                    ConfigFiles.replace(zoneFile, badZone(round));
                } else if (BAD_DB_ROUNDS.contains(round)) {
                    ConfigFiles.replace(mmdb, badDatabase(round, database(round).toBytes()));
                } else {
                    // Known good before it is on disk: a thread may see it the moment a reload takes it.
                    goodRounds.add(round);
                    database(round).write(mmdb);
                    ConfigFiles.replace(zoneFile, zone(round));
                }
                boolean bad = BAD_ZONE_ROUNDS.contains(round) || BAD_DB_ROUNDS.contains(round);
                if (bad || !UNSIGNALLED_ROUNDS.contains(round)) {
                    Signals.hangUp(server);
                }
                Thread.sleep(ROUND_MILLIS);
            }
            // The last round is good: wait until every thread can see it, then a little longer under load.
            try {
                Poll.until(Duration.ofSeconds(10), Duration.ofMillis(100), "round " + ROUNDS + " served",
                        () -> new TreeSet<>(seen.roundsSeen), s -> s.contains(ROUNDS));
                Thread.sleep(ROUND_MILLIS);
            } catch (AssertionError e) {
                lastRoundNotSeen = e;
            }
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TIMEOUT_MS * 3L);
            }
        }

        String summary = "answered " + seen.answered.get() + ", timeouts " + seen.timeouts.get() + ", rounds seen "
                + new TreeSet<>(seen.roundsSeen) + ", geo locations seen " + seen.locationsSeen;
        System.out.println("ReloadUnderLoadTest: " + summary);
        assertTrue(crashed.isEmpty(), () -> "load threads crashed: " + crashed);
        assertTrue(seen.violations.isEmpty(), () -> seen.violations.size() + " wrong answer(s) (" + summary + "):\n"
                + String.join("\n\n", seen.violations));
        assertEquals(0, seen.timeouts.get(), () -> "unanswered queries (" + summary + "):\n"
                + String.join("\n", seen.timeoutDetails));
        if (lastRoundNotSeen != null) {
            throw new AssertionError(summary, lastRoundNotSeen);
        }
        // The test has teeth only if the load was real and the reloads happened under it.
        assertTrue(seen.answered.get() >= 2000, () -> "too little load to mean anything: " + summary);
        assertTrue(seen.roundsSeen.size() >= 8, () -> "too few rounds seen served under load: " + summary);
        for (Group g : GROUPS) {
            assertEquals(g.validLocations(), seen.locationsSeen.get(g.octet()),
                    () -> "both databases' decisions served under load for " + g.network() + ": " + summary);
        }
        double failedAfter = PromScrape.of(server).value("geodns_reloads_total", "result", "failed");
        assertTrue(failedAfter - failedBefore >= BAD_ZONE_ROUNDS.size() + BAD_DB_ROUNDS.size(),
                () -> "every bad replacement refused and counted: " + (failedAfter - failedBefore) + "\n"
                        + server.log());
        assertTrue(server.isAlive(), "the server still runs");
    }
}
