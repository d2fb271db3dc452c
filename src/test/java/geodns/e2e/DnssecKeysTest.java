package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Cli;
import geodns.e2e.support.Commands;
import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.Poll;
import geodns.e2e.support.Programs;
import geodns.e2e.support.Reply;
import geodns.e2e.support.Rr;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Validating;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keys folder through the real jar: {@code dnssec keygen} and {@code dnssec ds} agree with BIND's tools, and
 * every mistake in the folder is {@code file: reason} at {@code check}, at start and at reload, where the zone
 * keeps being served signed with the keys of the last good load. No private key ever reaches the log.
 */
@ExtendWith(ServerLogOnFailure.class)
class DnssecKeysTest {
    /** The watcher looks every 2 s. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(10);
    private static final Duration STEP = Duration.ofMillis(200);

    @TempDir
    Path dir;
    private GeodnsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path keyFile(Path keys, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(keys)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    /** A folder with one good key of example.com and four mistakes. */
    private List<String> keysWithMistakes(Path keys) throws IOException {
        Validating.keygen("example.com", keys);
        Path otherZone = dir.resolve("org");
        Validating.keygen("example.org", otherZone);
        Path notServed = Files.copy(keyFile(otherZone, ".key"), keys.resolve(keyFile(otherZone, ".key").getFileName()));
        Files.copy(keyFile(otherZone, ".private"), keys.resolve(keyFile(otherZone, ".private").getFileName()));
        Path orphan = keys.resolve("Kexample.com.+013+00001.private");
        Files.copy(keyFile(keys, ".private"), orphan);
        Path malformed = Files.writeString(keys.resolve("Kexample.com.+015+00002.key"), "example.com. IN DNSKEY 257\n");
        Path badName = Files.writeString(keys.resolve("Kexample.com.key"), "example.com. IN DNSKEY 257 3 13 AAAA\n");
        return List.of(
                notServed + ": a key for example.org., a zone not served here (no example.org.zone)",
                orphan + ": no Kexample.com.+013+00001.key beside it: a private key signs only with its DNSKEY file",
                malformed + ": not a DNSKEY record: ",
                badName + ": not a key file name: K<zone>.+<algorithm>+<tag>.key, e.g. Kexample.com.+013+12345.key");
    }

    @Test
    void checkReportsEveryMistakeInTheKeysFolderAsFileReason() throws IOException {
        Path keys = dir.resolve("keys");
        List<String> expected = keysWithMistakes(keys);
        Cli.Result check = Cli.run(60, "check", "--zones", GeodnsServer.exampleZones().toString(), "--keys",
                keys.toString());
        assertEquals(1, check.exitCode(), check::toString);
        for (String error : expected) {
            assertTrue(check.stderr().lines().anyMatch(l -> l.startsWith(error)), () -> "'" + error + "' in\n" + check);
        }
    }

    @Test
    void serveRefusesToStartOnAMistakeInTheKeysFolder() throws IOException {
        Path keys = dir.resolve("keys");
        List<String> expected = keysWithMistakes(keys);
        String loopback = GeodnsServer.LOOPBACK.getHostAddress();
        Cli.Result serve = Cli.run(60, "serve", "--zones", GeodnsServer.exampleZones().toString(), "--keys",
                keys.toString(), "--dns", loopback + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, true),
                "--http", loopback + ":" + GeodnsServer.freePort(GeodnsServer.LOOPBACK, false));
        assertEquals(1, serve.exitCode(), serve::toString);
        for (String error : expected) {
            assertTrue(serve.stderr().lines().anyMatch(l -> l.startsWith(error)), () -> "'" + error + "' in\n" + serve);
        }
        assertTrue(serve.stderr().contains("geodns: not starting: " + expected.size() + " error(s)"), serve::toString);
    }

    @Test
    void checkListsEachZonesKeysAndWhetherTheySign() throws IOException {
        Path keys = dir.resolve("keys");
        Validating.keygen("example.com", keys);
        Path next = dir.resolve("next");
        Validating.keygen("example.com", next);
        Path published = Files.copy(keyFile(next, ".key"), keys.resolve(keyFile(next, ".key").getFileName()));
        Cli.Result check = Cli.run(60, "check", "--zones", GeodnsServer.exampleZones().toString(), "--keys",
                keys.toString());
        assertEquals(0, check.exitCode(), check::toString);
        String tag = published.getFileName().toString().replaceAll(".*\\+0*([0-9]+)\\.key", "$1");
        assertTrue(check.stdout().contains("dnssec example.com. key " + tag + " (algorithm 13, published)"),
                check::toString);
        assertTrue(check.stdout().contains("(algorithm 13, signing)"), check::toString);
    }

    private Reply dnskeys() {
        return Dig.run(server.dns(), "+norecurse", "+dnssec", "-t", "DNSKEY", "-q", "example.com").only();
    }

    private static List<String> keysOf(Reply reply) {
        return reply.answer().stream().filter(r -> r.type().equals("DNSKEY")).map(Rr::data).map(d -> d.replace(" ", ""))
                .sorted().toList();
    }

    private static String publicKey(Path keyFile) throws IOException {
        String line = Files.readAllLines(keyFile).stream().filter(l -> l.contains("DNSKEY")).findFirst().orElseThrow();
        return line.substring(line.indexOf("DNSKEY") + "DNSKEY".length()).replaceAll("\\s", "");
    }

    @Test
    void aBrokenKeyOnReloadKeepsTheZoneSignedWithTheLastGoodKeys() throws IOException {
        Path keys = dir.resolve("keys");
        Validating.keygen("example.com", keys);
        String secret = Files.readString(keyFile(keys, ".private"));
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--keys", keys.toString());
        List<String> before = keysOf(dnskeys());
        assertEquals(List.of(publicKey(keyFile(keys, ".key"))), before);

        // A second key whose .private is another key's: noticed without a signal (the folder is watched).
        Path other = dir.resolve("other");
        Validating.keygen("example.com", other);
        Path stranger = dir.resolve("stranger");
        Validating.keygen("example.com", stranger);
        Files.copy(keyFile(other, ".key"), keys.resolve(keyFile(other, ".key").getFileName()));
        Path wrong = keys.resolve(keyFile(other, ".private").getFileName());
        Files.copy(keyFile(stranger, ".private"), wrong);
        String expected = wrong + ": its private key is not the other half of the public key in "
                + keyFile(other, ".key").getFileName();
        String log = Poll.until(NOTICED_WITHIN, STEP, "the reload failed with '" + expected + "'", server::log,
                l -> l.contains(expected));
        assertTrue(log.contains("reload failed, still serving the previous config: " + expected), log);

        Reply after = dnskeys();
        assertEquals(before, keysOf(after), "the last good keys still published");
        assertTrue(after.answer().stream().anyMatch(r -> r.type().equals("RRSIG")), "and signing: " + after);
        for (Path privateFile : List.of(keyFile(keys, ".private"), keyFile(stranger, ".private"))) {
            String key = Files.readAllLines(privateFile).stream().filter(l -> l.startsWith("PrivateKey: "))
                    .findFirst().orElseThrow().substring("PrivateKey: ".length());
            assertFalse(server.log().contains(key.substring(0, 16)), "a private key in the log");
        }
        assertFalse(server.log().contains(secret.lines().filter(l -> l.startsWith("PrivateKey")).findFirst()
                .orElseThrow()));
    }

    /**
     * In Kubernetes the keys folder is a Secret's volume: files are links into {@code ..data}, and an update swaps
     * that link and adds links for new keys. A pre-published key arriving that way is served without a restart.
     */
    @Test
    void aKeyAddedToTheSecretIsPublishedWithoutARestart() throws IOException {
        Path made = dir.resolve("made");
        Validating.keygen("example.com", made);
        Path next = dir.resolve("next");
        Validating.keygen("example.com", next);
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        for (Path f : List.of(keyFile(made, ".key"), keyFile(made, ".private"))) {
            files.put(f.getFileName().toString(), Files.readString(f));
        }
        Path keys = geodns.e2e.support.ConfigFiles.configMap(dir.resolve("secret"), files);
        server = GeodnsServer.start(GeodnsServer.exampleZones(), "--keys", keys.toString());
        assertEquals(List.of(publicKey(keyFile(made, ".key"))), keysOf(dnskeys()));

        String added = keyFile(next, ".key").getFileName().toString();
        files.put(added, Files.readString(keyFile(next, ".key")));
        geodns.e2e.support.ConfigFiles.updateConfigMap(keys, files);
        Files.createSymbolicLink(keys.resolve(added), Path.of("..data", added));   // as the kubelet does for a new key
        List<String> both = Stream.of(publicKey(keyFile(made, ".key")), publicKey(keyFile(next, ".key"))).sorted()
                .toList();
        Poll.until(NOTICED_WITHIN, STEP, "both keys published", () -> keysOf(dnskeys()), both::equals);
    }

    /** BIND's dnssec-dsfromkey makes the same DS of our .key, and BIND signs a zone with our .private. */
    @Test
    void keygenWritesKeysBindUsesAndDsPrintsBindsDs() throws Exception {
        Programs.require("dnssec-dsfromkey", "bind9-utils");
        Path keys = dir.resolve("keys");
        for (String algorithm : List.of("13", "15")) {
            Cli.Result made = Cli.run(60, "dnssec", "keygen", "example.com", "--keys", keys.toString(), "--algorithm",
                    algorithm);
            assertEquals(0, made.exitCode(), made::toString);
        }
        List<String> ours = Validating.ds("example.com", keys).stream().map(DnssecKeysTest::words).sorted().toList();
        List<String> bind = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.list(keys)) {
            for (Path key : files.filter(f -> f.toString().endsWith(".key")).sorted().toList()) {
                bind.add(words(Commands.run(30, "dnssec-dsfromkey", "-2", key.toString()).replace(" IN ", " 3600 IN ")));
                Path privateFile = Path.of(key.toString().replace(".key", ".private"));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile)));
            }
        }
        assertEquals(bind.stream().sorted().toList(), ours, "geodns dnssec ds and BIND's dnssec-dsfromkey -2");

        Path zone = Files.writeString(dir.resolve("example.com.db"), """
                $TTL 300
                example.com. IN SOA ns1.example.com. hostmaster.example.com. 1 7200 900 1209600 300
                example.com. IN NS ns1.example.com.
                ns1.example.com. IN A 192.0.2.53
                """ + String.join("", Files.list(keys).filter(f -> f.toString().endsWith(".key")).sorted()
                .map(f -> read(f)).toList()));
        Path signed = dir.resolve("example.com.signed");
        Commands.runIn(dir, 60, "dnssec-signzone", "-z", "-o", "example.com", "-K", keys.toString(), "-f",
                signed.toString(), zone.toString());
        String verified = Commands.run(60, "dnssec-verify", "-z", "-o", "example.com", signed.toString());
        assertTrue(verified.contains("Zone fully signed"), verified);
        assertTrue(verified.contains("ECDSAP256SHA256") && verified.contains("ED25519"), verified);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String words(String line) {
        return String.join(" ", line.strip().split("\\s+"));
    }
}
