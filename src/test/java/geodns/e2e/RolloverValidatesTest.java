package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Unbound;
import geodns.e2e.support.Validating;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key rollover of docs/configuration.md ("Key rollover"), driven by files alone (geodns notices them), with
 * Unbound validating throughout: pre-publish the new key, switch signing, retire the old key. The parent's DS
 * set is Unbound's trust anchors, both keys' DS from the start (the double-DS the docs ask for, and what CDS
 * asks a parent for at step 1). Every record, the DNSKEY set included, lives 2 s, so each step's wait is 2 s,
 * and for longer than that every answer Unbound gives must carry AD: its cache holds the DNSKEY set of the
 * step before while geodns already serves the next.
 */
@ExtendWith(ServerLogOnFailure.class)
class RolloverValidatesTest {
    private static final int TTL = 2;
    private static final String ZONE = """
            $TTL %1$d
            @    %1$d IN SOA ns1 hostmaster 1 7200 900 1209600 %1$d
                 IN NS ns1
            ns1  IN A 192.0.2.53
            www  IN A 192.0.2.80
            """.formatted(TTL);
    private static final String GEO_YAML = """
            locations:
              london:
                coordinates: [51.507, -0.128]
                nodes:
                  lon-1: { ipv4: 192.0.2.11 }
            names: {}
            """;
    private static final Duration SERVED_WITHIN = Duration.ofSeconds(10);
    /** Longer than the TTL of everything, so Unbound's cache turns over at least once in each step. */
    private static final Duration WATCHED_FOR = Duration.ofSeconds(TTL + 2);
    private static final Duration STEP = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private GeodnsServer geodns;
    private Unbound unbound;

    @AfterEach
    void stop() {
        if (unbound != null) {
            unbound.close();
        }
        if (geodns != null) {
            geodns.close();
        }
    }

    private static Path file(Path folder, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    private static String tag(Path keyFile) {
        return String.valueOf(Integer.parseInt(keyFile.getFileName().toString().replaceAll(".*\\+([0-9]+)\\.key", "$1")));
    }

    private Set<String> fromGeodns(String name, String type, String field) {
        Reply reply = Dig.run(geodns.dns(), "+norecurse", "+dnssec", "-t", type, "-q", name).only();
        return reply.answer().stream().filter(r -> r.type().equals(field.split(":")[0]))
                .map(r -> field.endsWith(":signer") ? r.data().split(" ")[6] : r.data().split(" ")[0])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each key's tag by its DNSKEY data, as its .key file has it. */
    private final java.util.Map<String, String> tagByKey = new java.util.HashMap<>();

    private void know(Path keyFile) throws IOException {
        String line = Files.readAllLines(keyFile).stream().filter(l -> l.contains("DNSKEY")).findFirst().orElseThrow();
        tagByKey.put(line.substring(line.indexOf("DNSKEY") + "DNSKEY".length()).replaceAll("\\s", ""), tag(keyFile));
    }

    /** The key tags of the DNSKEY set geodns serves now. */
    private Set<String> published() {
        Reply reply = Dig.run(geodns.dns(), "+norecurse", "-t", "DNSKEY", "-q", "example.com").only();
        return reply.answer().stream().filter(r -> r.type().equals("DNSKEY"))
                .map(r -> tagByKey.getOrDefault(r.data().replaceAll("\\s", ""), "unknown key " + r.data()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private void awaitServed(String what, java.util.function.Supplier<Set<String>> probe, Set<String> expected) {
        Poll.until(SERVED_WITHIN, STEP, what + " " + expected, probe, expected::equals);
    }

    /** For longer than every TTL, each answer Unbound gives carries AD. */
    private void validatesThroughout(String step) {
        List<String> failures = new ArrayList<>();
        int asked = 0;
        long end = System.nanoTime() + WATCHED_FOR.toNanos();
        while (System.nanoTime() < end && asked < 200) {
            for (String[] q : new String[][] {{"www.example.com", "A"}, {"nope.example.com", "A"},
                    {"example.com", "DNSKEY"}}) {
                Reply reply = Validating.ask(unbound.dns(), q[0], q[1]);
                asked++;
                if (!reply.flag("ad")) {
                    failures.add(q[0] + " " + q[1] + ": " + reply.rcode() + reply);
                }
            }
            Poll.sleep(STEP.toMillis());   // pacing the questions over the TTL, not waiting for anything
        }
        assertEquals(List.of(), failures, step + ": answers without AD\n--- unbound log\n" + unbound.log());
        assertTrue(asked >= 9, step + ": asked " + asked);
    }

    @Test
    void validationHoldsThroughPrePublishSwitchAndRetire() throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        Files.writeString(zones.resolve("example.com.zone"), ZONE);
        Files.writeString(zones.resolve("geo.yaml"), GEO_YAML);
        Path keys = dir.resolve("keys");
        Path incoming = dir.resolve("incoming");
        Validating.keygen("example.com", keys);
        Validating.keygen("example.com", incoming);
        Path oldKey = file(keys, ".key");
        Path oldPrivate = file(keys, ".private");
        Path newKey = file(incoming, ".key");
        Path newPrivate = file(incoming, ".private");
        String oldTag = tag(oldKey);
        String newTag = tag(newKey);
        know(oldKey);
        know(newKey);
        List<String> parentDs = new ArrayList<>(Validating.ds("example.com", keys));
        parentDs.addAll(Validating.ds("example.com", incoming));

        geodns = GeodnsServer.start(zones, "--keys", keys.toString());
        unbound = Unbound.start(dir.resolve("unbound"), "example.com.", geodns.dns(), parentDs, false);
        assertEquals(Set.of(oldTag), published());
        assertEquals(Set.of(oldTag), fromGeodns("example.com", "CDS", "CDS"));
        validatesThroughout("before");

        // 1. Pre-publish: only the new .key. CDS asks the parent for both DS.
        Files.copy(newKey, keys.resolve(newKey.getFileName()));
        awaitServed("step 1: the DNSKEY set", this::published, Set.of(oldTag, newTag));
        assertEquals(Set.of(oldTag), fromGeodns("www.example.com", "A", "RRSIG:signer"), "the old key signs");
        assertEquals(Set.of(oldTag, newTag), fromGeodns("example.com", "CDS", "CDS"));
        validatesThroughout("step 1, pre-publish");

        // 2. Switch signing: the new .private in, the old one out.
        Files.copy(newPrivate, keys.resolve(newPrivate.getFileName()));
        Files.delete(oldPrivate);
        awaitServed("step 2: www signed by", () -> fromGeodns("www.example.com", "A", "RRSIG:signer"),
                Set.of(newTag));
        assertEquals(Set.of(oldTag, newTag), published(), "the old key still published");
        validatesThroughout("step 2, switched");

        // 3. Retire: the old .key out. CDS asks the parent to drop the old DS.
        Files.delete(oldKey);
        awaitServed("step 3: the DNSKEY set", this::published, Set.of(newTag));
        assertEquals(Set.of(newTag), fromGeodns("example.com", "CDS", "CDS"));
        validatesThroughout("step 3, retired");
    }

}
