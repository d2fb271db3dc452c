package geodns.server.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.config.ConfigError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;

/** The keys folder: BIND's key files read (and written as BIND reads them), every mistake as {@code file: reason}. */
class KeyFilesTest {
    private static final Name EXAMPLE = name("example.com.");
    private static final Predicate<Name> SERVES_EXAMPLE = EXAMPLE::equals;

    /** Made by BIND 9.18's dnssec-keygen -a ECDSAP256SHA256 -f KSK example.com (a throwaway test key). */
    private static final String BIND_KEY = """
            ; This is a key-signing key, keyid 44001, for example.com.
            ; Created: 20261207024048 (Mon Dec  7 02:40:48 2026)
            example.com. IN DNSKEY 257 3 13 vEke/DpoKoH6LQwTPuLAOX9d6tdDLDNipdQil7HBmipofIA3Sbux8kNI zfy8sTIaH8sXTqW6YTHO0OZBFLKA7g==
            """;
    private static final String BIND_PRIVATE = """
            Private-key-format: v1.3
            Algorithm: 13 (ECDSAP256SHA256)
            PrivateKey: UdU+g/JJx0sPfytdntgvGzbE2eVA3MtCLUwpsxvEc3U=
            Created: 20261207024048
            Publish: 20261207024048
            Activate: 20261207024048
            """;
    /** BIND's dnssec-keygen -a ED25519 example.com: a zone-signing key (flags 256). */
    private static final String BIND_ED25519_KEY = "example.com. IN DNSKEY 256 3 15 yr4h+L1p61227oixepHygVd8VTWYZQLIfJ7LbHrXXVA=\n";
    private static final String BIND_ED25519_PRIVATE = """
            Private-key-format: v1.3
            Algorithm: 15 (ED25519)
            PrivateKey: SWfNSJIhVIV/1tTdoenkJs2Hhym9V2QKX0bKYuYgtDw=
            """;

    @TempDir
    Path dir;

    private static Name name(String text) {
        try {
            return Name.fromString(text);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new AssertionError(e);
        }
    }

    private Path write(String file, String text) throws IOException {
        return Files.writeString(dir.resolve(file), text);
    }

    private Path writePrivate(String file, String text) throws IOException {
        Path p = write(file, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        return p;
    }

    private static String errors(KeyFiles.Read read) {
        return String.join("\n", read.errors().stream().map(ConfigError::toString).toList());
    }

    @Test
    void keysMadeByBindSignWithBothAlgorithms() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        write("Kexample.com.+015+44627.key", BIND_ED25519_KEY);
        writePrivate("Kexample.com.+015+44627.private", BIND_ED25519_PRIVATE);
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertTrue(read.ok(), errors(read));
        ZoneKeys keys = read.keys().get(EXAMPLE);
        assertEquals(List.of(44001, 44627), keys.signing().stream().map(ZoneKey::tag).toList());
        assertEquals(List.of(), read.warnings());
    }

    @Test
    void aKeyWrittenByKeygenReadsBackAsSigning() throws IOException {
        for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
            NewKey made = NewKey.write(EXAMPLE, algorithm, dir);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.privateFile())));
            assertEquals(257, made.dnskey().getFlags());
        }
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertTrue(read.ok(), errors(read));
        assertEquals(2, read.keys().get(EXAMPLE).signing().size());
    }

    @Test
    void aKeyFileAloneIsPublishedOnlyBesideOneThatSigns() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        write("Kexample.com.+015+44627.key", BIND_ED25519_KEY);
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertTrue(read.ok(), errors(read));
        assertEquals(List.of("key 44001 (algorithm 13, signing)", "key 44627 (algorithm 15, published)"),
                read.keys().get(EXAMPLE).keys().stream().map(ZoneKey::toString).toList());
    }

    @Test
    void aZoneWhoseKeysAllLackTheirPrivateFileIsAnError() throws IOException {
        Path key = write("Kexample.com.+013+44001.key", BIND_KEY);
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertEquals(key + ": no key of example.com. has its .private file here, so nothing would sign the zone"
                + " (a .key alone is published only, as in a rollover)", errors(read));
    }

    @Test
    void aPrivateFileWithoutItsKeyFileIsAnError() throws IOException {
        Path p = writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        assertEquals(p + ": no Kexample.com.+013+44001.key beside it: a private key signs only with its DNSKEY file",
                errors(KeyFiles.read(dir, SERVES_EXAMPLE)));
    }

    @Test
    void aPrivateKeyOfAnotherKeyIsAnErrorThatShowsNoKeyMaterial() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        NewKey other = NewKey.write(EXAMPLE, KeyAlgorithm.ECDSAP256SHA256, dir.resolve("other"));
        String otherPrivate = Files.readString(other.privateFile());
        Path p = writePrivate("Kexample.com.+013+44001.private", otherPrivate);
        String errors = errors(KeyFiles.read(dir, SERVES_EXAMPLE));
        assertEquals(p + ": its private key is not the other half of the public key in Kexample.com.+013+44001.key",
                errors);
        assertNoKeyMaterial(otherPrivate, errors);
    }

    @Test
    void malformedPrivateFilesSayWhichFieldAndNeverTheirText() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        String secret = "UdU+g/JJx0sPfytdntgvGzbE2eVA3MtCLUwpsxvEc3U=";
        Path p = writePrivate("Kexample.com.+013+44001.private", "Private-key-format: v1.3\n"
                + "Algorithm: 13 (ECDSAP256SHA256)\nPrivateKey: " + secret.substring(0, 20) + "!!" + secret.substring(22)
                + "\n" + secret + "\n");
        String errors = errors(KeyFiles.read(dir, SERVES_EXAMPLE));
        assertEquals(p + ":4: not a 'Field: value' line", errors);
        assertNoKeyMaterial(secret, errors);
        writePrivate("Kexample.com.+013+44001.private", "Private-key-format: v1.3\nAlgorithm: 13\nPrivateKey: "
                + secret.substring(0, 20) + "!!" + secret.substring(22) + "\n");
        errors = errors(KeyFiles.read(dir, SERVES_EXAMPLE));
        assertEquals(p + ":3: PrivateKey is not base64", errors);
        writePrivate("Kexample.com.+013+44001.private", "Algorithm: 15 (ED25519)\nPrivateKey: AAAA\n");
        assertEquals(String.join("\n", p + ": no Private-key-format line (BIND's v1.3)",
                p + ":1: Algorithm 15 (ED25519) is not its DNSKEY's, 13 (ECDSAP256SHA256)"),
                errors(KeyFiles.read(dir, SERVES_EXAMPLE)));
    }

    private static void assertNoKeyMaterial(String secretText, String errors) {
        for (String line : secretText.split("\n")) {
            if (line.startsWith("PrivateKey: ")) {
                String key = line.substring("PrivateKey: ".length());
                assertFalse(errors.contains(key.substring(0, 12)), errors);
            } else if (line.length() > 12 && !line.contains(":")) {
                assertFalse(errors.contains(line.substring(0, 12)), errors);
            }
        }
        assertFalse(errors.contains(Base64.getEncoder().encodeToString(new byte[0]) + "UdU+"), errors);
    }

    @Test
    void aKeyForAZoneNotServedIsAnError() throws IOException {
        Path key = write("Kexample.com.+013+44001.key", BIND_KEY);
        writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        assertEquals(key + ": a key for example.com., a zone not served here (no example.com.zone)",
                errors(KeyFiles.read(dir, name("example.org.")::equals)));
    }

    @Test
    void anUnsupportedAlgorithmIsAnError() throws IOException {
        // An RSASHA256 key (algorithm 8) as BIND writes it.
        Path key = write("Kexample.com.+008+27699.key", "example.com. IN DNSKEY 256 3 8 AwEAAaB4jcr2o74AuvtwMmlB"
                + "LDTaqPh+BdI5GnDKE7f/HQ1nRu9OC8mJ ncyXmAM9+M5NKQxgNB5pWRqy8Z5WtO6tNmpanD/hSCatu7xwPJ7Ky0ZH"
                + " aZBK01oljKuUDfS9O9a/1V8bf7we0IhFhC5F9X7UAwneWUVUUomIkSjG gzLZyP7H\n");
        String errors = errors(KeyFiles.read(dir, SERVES_EXAMPLE));
        assertEquals(key + ": algorithm 8 (RSASHA256) is not supported: geodns signs with 13 (ECDSAP256SHA256)"
                + " or 15 (ED25519)", errors);
    }

    @Test
    void malformedKeyFilesAndNamesAreErrorsEveryOne() throws IOException {
        Path garbled = write("Kexample.com.+013+44001.key", "example.com. IN DNSKEY 257 3\n");
        Path notDnskey = write("Kexample.com.+013+11111.key", "example.com. IN A 192.0.2.1\n");
        Path badName = write("Kexample.com+13+44001.key", BIND_KEY);
        Path wrongTag = write("Kexample.com.+013+12345.key", BIND_KEY);
        String errors = errors(KeyFiles.read(dir, SERVES_EXAMPLE));
        List<String> lines = List.of(errors.split("\n"));
        assertEquals(4, lines.size(), errors);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(garbled + ": not a DNSKEY record: ")), errors);
        assertTrue(lines.contains(notDnskey + ": holds 1 record(s) of type(s) [A], not one DNSKEY record of class IN"),
                errors);
        assertTrue(lines.contains(badName + ": not a key file name: K<zone>.+<algorithm>+<tag>.key, e.g."
                + " Kexample.com.+013+12345.key"), errors);
        assertTrue(lines.contains(wrongTag + ": the file name says algorithm 013 and key tag 12345, its DNSKEY has"
                + " algorithm 13 and tag 44001"), errors);
    }

    @Test
    void aMissingOrUnreadableFolderOrFileIsAnError() throws IOException {
        Path missing = dir.resolve("nowhere");
        assertEquals(missing + ": no such folder (--keys)", errors(KeyFiles.read(missing, SERVES_EXAMPLE)));
        write("Kexample.com.+013+44001.key", BIND_KEY);
        Path p = writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        Files.delete(p);
        Files.createDirectory(p);  // unreadable as a file, even for root
        assertTrue(errors(KeyFiles.read(dir, SERVES_EXAMPLE)).startsWith(p + ": cannot read: "));
    }

    @Test
    void aPrivateFileOthersMayReadIsAWarning() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        Path p = writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertTrue(read.ok(), errors(read));
        assertEquals(List.of(p + ": warning: a private key readable by everyone: chmod 600 it (or 400; in"
                + " Kubernetes, the Secret's defaultMode 0400)"), read.warnings().stream().map(ConfigError::asWarning)
                .toList());
    }

    /** As a Kubernetes Secret with the pod's fsGroup gives them: 0440, the group geodns's own. */
    @Test
    void aPrivateFileItsGroupMayReadIsAWarningUnlessTheGroupIsOurs() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        Path p = writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r-----"));
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertEquals(List.of(), read.warnings(), "the file's group is this process's");
        Files.setAttribute(p, "unix:gid", 54321);  // a group we are not in (the tests run as root)
        assertEquals(List.of(p + ": warning: a private key readable by its group: chmod 600 it (or 400; in"
                + " Kubernetes, the Secret's defaultMode 0400)"), KeyFiles.read(dir, SERVES_EXAMPLE).warnings()
                .stream().map(ConfigError::asWarning).toList());
    }

    @Test
    void otherFilesInTheFolderAreNotOurs() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        writePrivate("Kexample.com.+013+44001.private", BIND_PRIVATE);
        write("Kexample.com.+013+44001.state", "Generated: 20261207024048\n");  // BIND's key state
        write("README", "keys for example.com\n");
        KeyFiles.Read read = KeyFiles.read(dir, SERVES_EXAMPLE);
        assertTrue(read.ok(), errors(read));
    }

    @Test
    void dsOfAZoneReadsOnlyThatZonesKeysAndNeedsNoPrivateFile() throws IOException {
        write("Kexample.com.+013+44001.key", BIND_KEY);
        write("Kexample.org.+013+44001.key", "garbage\n");
        KeyFiles.Read read = KeyFiles.readZone(dir, EXAMPLE);
        assertTrue(read.ok(), errors(read));
        // As BIND's dnssec-dsfromkey -2 prints it for this key.
        assertEquals("example.com.\t\t3600\tIN\tDS\t44001 13 2 2BDB07210C1CB3EBE5D1B9A446501642C8516867840998084757A2B9CE5CA576",
                NewKey.ds(read.keys().get(EXAMPLE).keys().get(0).dnskey()).toString());
        assertNull(read.keys().get(name("example.org.")));
    }
}
