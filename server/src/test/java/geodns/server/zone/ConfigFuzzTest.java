package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import geodns.server.config.ConfigError;
import geodns.server.health.HealthView;
import geodns.server.testing.Dns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Coverage-guided fuzzing of the config readers: whatever the zone file and geo.yaml say, loading either serves or
 * reports {@code file:line: reason} for one of the two files, and never fails with an unexpected exception.
 *
 * <p>An input is the zone file's bytes, a NUL byte, then geo.yaml's bytes (no NUL: no geo.yaml), so the seeds in
 * {@code ConfigFuzzTestInputs/loadsOrReportsFileAndLine} are readable text. {@code $INCLUDE} and {@code $GENERATE}
 * inputs are skipped: the fuzzer would read arbitrary files of the machine (/dev/zero, /dev/stdin) and spend its
 * time expanding ranges; both have unit tests, and the record limit bounds {@code $GENERATE}.
 */
class ConfigFuzzTest {
    private static Path dir;
    private static Path zone;
    private static Path geo;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("geodns-config-fuzz");
        zone = dir.resolve("example.com.zone");
        geo = dir.resolve("geo.yaml");
    }

    @AfterAll
    static void removeFolder() throws IOException {
        delete(zone);
        delete(geo);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "30s")
    void loadsOrReportsFileAndLine(byte[] input) {
        int split = indexOf(input, (byte) 0);
        byte[] zoneText = split < 0 ? input : Arrays.copyOf(input, split);
        String lower = new String(input, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (lower.contains("$include") || lower.contains("$generate")) {
            return;
        }
        write(zone, zoneText);
        if (split < 0) {
            delete(geo);
        } else {
            write(geo, Arrays.copyOfRange(input, split + 1, input.length));
        }

        Zones.Read read = Zones.read(dir);

        Set<String> files = Set.of(zone.toString(), geo.toString());
        for (ConfigError error : read.errors()) {
            assertTrue(files.contains(error.file()), () -> "error names a file we wrote: " + error);
            assertTrue(error.line() >= 1, () -> "error names a line: " + error);
            assertFalse(error.reason().isBlank(), () -> "error gives a reason: " + error);
            assertFalse(error.reason().matches("(?s).*\\b(java|org)\\.[a-z]+\\..*(Exception|Error)\\b.*"),
                    () -> "error is not an unexpected exception: " + error);
        }
        if (read.ok()) {
            Dns dns = new Dns(Zones.compile(read.sources(), null, HealthView.allUp()));
            Message soa = dns.ask("example.com", Type.SOA);
            assertEquals(0, soa.getRcode(), "a zone that loads answers for its apex");
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void write(Path path, byte[] bytes) {
        try {
            Files.write(path, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
