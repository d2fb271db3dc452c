package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.Snapshot;
import geodns.server.config.ConfigError;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** A zones folder with a mistake is rejected whole, with file:line: reason for each mistake. */
class ZoneErrorsTest {
    /** Lines 1-5 of a valid zone; tests append from line 6 on. */
    static final String HEAD = """
            $ORIGIN example.com.
            $TTL 300
            @    IN SOA ns admin 1 7200 900 1209600 300
            @    IN NS  ns
            ns   IN A   192.0.2.1
            """;

    @TempDir
    Path dir;

    private Path zone(String text) {
        return Dns.write(dir, "example.com.zone", text);
    }

    /** Loads the folder, which must fail with exactly one error, and returns it. */
    private ConfigError onlyError() {
        Zones.Loaded loaded = Zones.load(dir);
        assertFalse(loaded.ok());
        assertNull(loaded.snapshot(), "no snapshot is served from a folder with errors");
        assertEquals(1, loaded.errors().size(), () -> "errors: " + loaded.errors());
        return loaded.errors().get(0);
    }

    private static void assertReason(ConfigError error, String... words) {
        for (String word : words) {
            assertTrue(error.reason().contains(word), () -> "'" + error.reason() + "' should mention '" + word + "'");
        }
    }

    @Test
    void validZoneLoadsAndIsListed() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\n");
        Zones.Loaded loaded = Zones.load(dir);
        assertTrue(loaded.ok(), () -> "errors: " + loaded.errors());
        assertEquals(List.of(), loaded.errors());
        assertNotNull(loaded.snapshot());
        assertEquals(List.of(new Snapshot.LoadedZone("example.com", 1, 4, file.toString())),
                loaded.snapshot().zones());
    }

    // ---- size limits: a runaway file is an error, not an out-of-memory on reload ----

    @Test
    void zoneWithMoreRecordsThanTheLimitIsAnErrorAtTheFirstRecordOverIt() {
        Path file = zone(HEAD + "a IN A 192.0.2.2\nb IN A 192.0.2.3\nc IN A 192.0.2.4\n");
        Zones.Read read = Zones.read(dir, 5);
        assertEquals(List.of(new ConfigError(file.toString(), 8,
                "more than 5 records in the zones folder (the limit; --max-records raises it)")), read.errors());
        assertTrue(Zones.read(dir, 6).ok(), "six records fit a limit of six");
    }

    @Test
    void recordsOfEveryZoneCountTowardsOneLimit() {
        zone(HEAD + "www IN A 192.0.2.2\n");
        Path net = Dns.write(dir, "example.net.zone", HEAD.replace("example.com.", "example.net."));
        Zones.Read read = Zones.read(dir, 6);
        assertEquals(1, read.errors().size(), () -> "errors: " + read.errors());
        assertEquals(net.toString(), read.errors().get(0).file());
        assertReason(read.errors().get(0), "more than 6 records");
    }

    @Test
    void generateOfMillionsOfRecordsStopsAtTheDefaultLimit() {
        Path file = zone(HEAD + "$GENERATE 1-100000000 host-$ A 192.0.2.9\n");
        long started = System.nanoTime();
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(6, error.line(), "the $GENERATE line");
        assertReason(error, "more than " + Zones.DEFAULT_MAX_RECORDS + " records", "--max-records");
        assertTrue(System.nanoTime() - started < 60_000_000_000L, "stops early rather than expanding all of it");
    }

    @Test
    void recordMadeByGenerateOutsideTheZoneIsAnErrorAtTheGenerateLine() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\n$GENERATE 1-1 host-$.example.net. A 192.0.2.9\nmail IN A 192.0.2.4\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line(), () -> "error: " + error);
        assertReason(error, "host-1.example.net.", "outside");
    }

    @Test
    void zoneFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Path file = zone(HEAD);
        try (java.io.RandomAccessFile grown = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            grown.setLength(MasterFileReader.MAX_FILE_BYTES + 1);
        }
        assertEquals(new ConfigError(file.toString(), 1, "larger than the limit of 16 MiB"), onlyError());
    }

    @Test
    void includedFileLargerThanTheLimitIsAnErrorInThatFile() throws Exception {
        Path big = Dns.write(dir, "big.inc", "www IN A 192.0.2.2\n");
        try (java.io.RandomAccessFile grown = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            grown.setLength(MasterFileReader.MAX_FILE_BYTES + 1);
        }
        zone(HEAD + "$INCLUDE " + big + "\n");
        assertEquals(new ConfigError(big.toString(), 1, "larger than the limit of 16 MiB"), onlyError());
    }

    @Test
    void emptyQuotedOwnerIsAnErrorAtItsLineNotAJavaException() {
        // Found by ConfigFuzzTest: dnsjava threw StringIndexOutOfBoundsException, reported as "unreadable: java...".
        Path file = zone(HEAD + "www IN A 192.0.2.2\n\"\" IN A 192.0.2.3\n");
        assertEquals(new ConfigError(file.toString(), 7, "an empty quoted name \"\" where a record's owner or a"
                + " $directive belongs (write @ for the zone's origin)"), onlyError());
    }

    @Test
    void zoneErrorPrintsAsFileLineReason() {
        assertEquals("a/b.zone:7: bad", new ConfigError("a/b.zone", 7, "bad").toString());
    }

    @Test
    void recordOutsideTheZoneIsAnErrorAtItsLine() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\nwww.example.net. IN A 192.0.2.3\nmail IN A 192.0.2.4\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line());
        assertReason(error, "www.example.net.", "outside");
    }

    @Test
    void recordOutsideTheZoneOnTheLastLineWithoutNewlineIsAnErrorAtItsLine() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\nwww.example.net. IN A 192.0.2.3");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line());
    }

    @Test
    void recordOutsideTheZoneFollowedByBlankAndCommentLinesIsAnErrorAtItsLine() {
        zone(HEAD + "www.example.net. IN A 192.0.2.3\n\n; a comment\n\nmail IN A 192.0.2.4\n");
        assertEquals(6, onlyError().line());
    }

    @Test
    void parentOfTheOriginIsOutsideTheZone() {
        zone(HEAD + "com. IN A 192.0.2.3\n");
        assertReason(onlyError(), "outside");
    }

    @Test
    void cnameBesideOtherDataIsAnErrorAtTheCnameLine() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\nwww IN CNAME mail\nmail IN A 192.0.2.4\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line());
        assertReason(error, "CNAME", "www.example.com.");
    }

    @Test
    void twoCnamesForOneNameIsAnError() {
        zone(HEAD + "www IN CNAME a\nwww IN CNAME b\n");
        ConfigError error = onlyError();
        assertEquals(7, error.line());
        assertReason(error, "CNAME");
    }

    @Test
    void cnameAtTheApexIsAnError() {
        zone("""
                $ORIGIN example.com.
                @ 300 IN SOA ns admin 1 2 3 4 5
                @ 300 IN NS ns
                @ 300 IN CNAME www.example.net.
                """);
        Zones.Loaded loaded = Zones.load(dir);
        assertNull(loaded.snapshot());
        assertTrue(loaded.errors().stream().allMatch(e -> e.line() == 4), () -> "errors: " + loaded.errors());
    }

    @Test
    void missingSoaIsAnError() {
        Path file = zone("$ORIGIN example.com.\n@ 300 IN NS ns\nns 300 IN A 192.0.2.1\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(1, error.line());
        assertReason(error, "SOA");
    }

    @Test
    void missingSoaErrorSaysHowAZoneStarts() {
        zone("$ORIGIN example.com.\n@ 300 IN NS ns\nns 300 IN A 192.0.2.1\n");
        assertReason(onlyError(), "no SOA record at the zone apex example.com.", "'@ IN SOA ");
    }

    @Test
    void soaWithoutOwnerIsAnErrorSayingToWriteAt() {
        zone("$TTL 300\n    IN SOA ns admin 1 7200 900 1209600 300\n@ IN NS ns\nns IN A 192.0.2.1\n");
        ConfigError error = onlyError();
        assertEquals(2, error.line());
        assertReason(error, "no owner name", "write @ for the zone's origin");
    }

    @Test
    void ttlAboveTheMaximumIsAnErrorNamingTheRange() {
        zone(HEAD + "www 99999999999 IN A 192.0.2.2\n");
        ConfigError error = onlyError();
        assertEquals(6, error.line());
        assertEquals("TTL 99999999999 out of range (0..2147483647)", error.reason());
    }

    @Test
    void negativeTtlIsAnErrorNamingTheRange() {
        zone(HEAD + "www -5 IN A 192.0.2.2\n");
        assertEquals("TTL -5 out of range (0..2147483647)", onlyError().reason());
    }

    @Test
    void dollarTtlAboveTheMaximumIsAnErrorNamingTheRange() {
        zone("$TTL 99999999999\n" + HEAD.replace("$TTL 300\n", ""));
        ConfigError error = onlyError();
        assertEquals(1, error.line());
        assertReason(error, "$TTL", "0 to 2147483647");
    }

    @Test
    void secondNumberWhereTheTypeBelongsIsNotCalledATtlOutOfRange() {
        zone(HEAD + "www 300 3600 IN A 192.0.2.2\n");
        assertReason(onlyError(), "'3600' is not a record type");
    }

    @Test
    void missingApexNsIsAnError() {
        Path file = zone("$ORIGIN example.com.\n@ 300 IN SOA ns admin 1 2 3 4 5\nns 300 IN A 192.0.2.1\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(1, error.line());
        assertReason(error, "NS");
    }

    @Test
    void nsOnlyBelowTheApexIsStillMissingApexNs() {
        zone("$ORIGIN example.com.\n@ 300 IN SOA ns admin 1 2 3 4 5\nsub 300 IN NS ns.sub\n");
        assertReason(onlyError(), "NS");
    }

    @Test
    void soaBelowTheApexIsAnError() {
        zone(HEAD + "www IN SOA ns admin 1 2 3 4 5\n");
        ConfigError error = onlyError();
        assertEquals(6, error.line());
        assertReason(error, "SOA");
    }

    @Test
    void secondSoaIsAnError() {
        zone(HEAD + "@ IN SOA ns admin 2 2 3 4 5\n");
        ConfigError error = onlyError();
        assertEquals(6, error.line());
        assertReason(error, "SOA");
    }

    @Test
    void recordOfAnotherClassIsAnError() {
        zone(HEAD + "www CH TXT \"x\"\n");
        ConfigError error = onlyError();
        assertEquals(6, error.line());
        assertReason(error, "CH");
    }

    @Test
    void syntaxErrorIsAnErrorAtItsLine() {
        Path file = zone(HEAD + "www IN A 192.0.2.2\nbad IN A 999.0.2.1\nmail IN A 192.0.2.4\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line());
        assertFalse(error.reason().startsWith(file.toString()), "the position is not repeated in the reason");
    }

    @Test
    void everySyntaxErrorOfAFileIsReportedInLineOrder() {
        Path file = zone(HEAD + """
                a    IN A   999.0.2.1
                b    99999999999 IN A 192.0.2.2
                c    IN A   192.0.2.3
                d    IN SOA ns admin (
                          1 2 3 4 x )
                $TTL 1h
                e    IN MX  mail
                f    IN A   192.0.2.6
                """);
        Zones.Read read = Zones.read(dir);
        assertEquals(List.of(6, 7, 10, 12), read.errors().stream().map(ConfigError::line).toList(),
                () -> "errors: " + read.errors());
        assertTrue(read.errors().stream().allMatch(e -> e.file().equals(file.toString())), read.errors()::toString);
        assertEquals("TTL 99999999999 out of range (0..2147483647)", read.errors().get(1).reason());
    }

    @Test
    void aBadDollarTtlIsReportedAndTheRecordsAfterItAreStillRead() {
        zone(HEAD + "$TTL forever\nb    IN A   192.0.2.300\n");
        Zones.Read read = Zones.read(dir);
        assertEquals(List.of(6, 7), read.errors().stream().map(ConfigError::line).toList(),
                () -> "errors: " + read.errors());
    }

    @Test
    void unknownTypeIsASyntaxError() {
        zone(HEAD + "www IN BOGUS 1\n");
        assertEquals(6, onlyError().line());
    }

    @Test
    void syntaxErrorInAnIncludedFileNamesThatFileAndLine() {
        zone(HEAD + "$INCLUDE inc/hosts.inc\nmail IN A 192.0.2.4\n");
        Path included = Dns.write(dir, "inc/hosts.inc", "www IN A 192.0.2.2\n\nbad IN AAAA not-an-address\n");
        ConfigError error = onlyError();
        assertEquals(included.toString(), error.file());
        assertEquals(3, error.line());
    }

    @Test
    void recordOutsideTheZoneInAnIncludedFileNamesThatFileAndLine() {
        zone(HEAD + "$INCLUDE inc/hosts.inc\nmail IN A 192.0.2.4\n");
        Path included = Dns.write(dir, "inc/hosts.inc", "www IN A 192.0.2.2\nwww.example.net. IN A 192.0.2.3\n");
        ConfigError error = onlyError();
        assertEquals(included.toString(), error.file());
        assertEquals(2, error.line());
        assertReason(error, "outside");
    }

    @Test
    void recordAfterAnIncludeIsPlacedInTheIncludingFile() {
        Path file = zone(HEAD + "$INCLUDE inc/hosts.inc\nwww.example.net. IN A 192.0.2.4\n");
        Dns.write(dir, "inc/hosts.inc", "www IN A 192.0.2.2\nftp IN A 192.0.2.3\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(7, error.line());
    }

    @Test
    void includedRecordsAreServed() {
        zone(HEAD + "$INCLUDE inc/hosts.inc\n");
        Dns.write(dir, "inc/hosts.inc", "www IN A 192.0.2.2\n");
        assertEquals(1, Dns.serving(dir).ask("www.example.com", Type.A).getSection(1).size());
    }

    @Test
    void missingIncludedFileIsAnErrorAtTheIncludeLine() {
        Path file = zone(HEAD + "$INCLUDE inc/missing.inc\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertEquals(6, error.line());
    }

    @Test
    void missingIncludedFileIsAnErrorInTheIncludingFile() {
        Path file = zone(HEAD + "$INCLUDE inc/missing.inc\n");
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
        assertReason(error, "missing.inc");
    }

    @Test
    void multiLineRecordIsReportedAtItsFirstLine() {
        zone(HEAD + "other.net. IN SOA ( ns admin\n  1 2 3 4 5 )\nmail IN A 192.0.2.4\n");
        assertEquals(6, onlyError().line());
    }

    @Test
    void recordAfterAMultiLineRecordIsReportedAtItsLine() {
        zone("$ORIGIN example.com.\n@ 300 IN SOA ns admin (\n 1\n 2\n 3\n 4\n 5 )\n@ 300 IN NS ns\n"
                + "x.net. 300 IN A 192.0.2.1\n");
        assertEquals(9, onlyError().line());
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void zoneFileThatIsAFifoIsAnErrorNotABlockedRead() throws Exception {
        Path fifo = dir.resolve("example.com.zone");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertEquals(fifo + ": not a regular file (a device, FIFO or folder)", onlyError().toString());
    }

    @Test
    void includeLoopIsAnErrorNotACrash() {
        zone(HEAD + "$INCLUDE example.com.zone\n");
        Zones.Loaded loaded = assertDoesNotThrow(() -> Zones.load(dir));
        assertNull(loaded.snapshot());
        assertFalse(loaded.errors().isEmpty());
        assertTrue(loaded.errors().get(0).file().endsWith("example.com.zone"));
    }

    @Test
    void everyBadFileIsReportedAndNothingIsServed() {
        zone(HEAD + "www.example.net. IN A 192.0.2.3\n");
        Dns.write(dir, "example.org.zone", "$ORIGIN example.org.\n@ 300 IN NS ns\n");
        Dns.write(dir, "good.test.zone", "@ 300 IN SOA ns admin 1 2 3 4 5\n@ 300 IN NS ns\n");
        Zones.Loaded loaded = Zones.load(dir);
        assertNull(loaded.snapshot());
        assertTrue(loaded.errors().stream().anyMatch(e -> e.file().endsWith("example.com.zone")));
        assertTrue(loaded.errors().stream().anyMatch(e -> e.file().endsWith("example.org.zone")));
        assertTrue(loaded.errors().stream().noneMatch(e -> e.file().endsWith("good.test.zone")));
    }

    @Test
    void twoFilesForTheSameZoneIsAnError() {
        zone(HEAD + "www IN A 192.0.2.2\n");
        Dns.write(dir, "EXAMPLE.COM.zone", HEAD + "mail IN A 192.0.2.3\n");
        Zones.Loaded loaded = Zones.load(dir);
        assertNull(loaded.snapshot(), () -> "served: " + loaded.snapshot().zones());
        assertFalse(loaded.errors().isEmpty());
    }

    @Test
    void folderWithoutZoneFilesIsAnError() {
        Dns.write(dir, "README.txt", "not a zone");
        Dns.write(dir, ".hidden.zone", HEAD);
        ConfigError error = onlyError();
        assertEquals(dir.toString(), error.file());
        assertReason(error, ".zone");
    }

    @Test
    void missingFolderIsAnError() {
        Zones.Loaded loaded = Zones.load(dir.resolve("nope"));
        assertNull(loaded.snapshot());
        assertEquals(1, loaded.errors().size());
        assertEquals(dir.resolve("nope").toString(), loaded.errors().get(0).file());
    }

    @Test
    void fileNameThatIsNotAZoneNameIsAnError() {
        Path file = Dns.write(dir, "a..b.zone", HEAD);
        ConfigError error = onlyError();
        assertEquals(file.toString(), error.file());
    }

    @Test
    void originDefaultsToTheFileName() {
        Dns.write(dir, "example.org.zone", """
                @ 300 IN SOA ns admin 1 2 3 4 5
                @ 300 IN NS ns
                ns 300 IN A 192.0.2.1
                www 300 IN A 192.0.2.2
                """);
        Dns dns = Dns.serving(dir);
        assertEquals(Rcode.NOERROR, dns.ask("www.example.org", Type.A).getRcode());
        assertEquals(1, dns.ask("www.example.org", Type.A).getSection(1).size());
    }

    @Test
    void duplicateRecordsAreServedOnce() {
        zone(HEAD + "www IN A 192.0.2.2\nwww IN A 192.0.2.2\n");
        assertEquals(1, Dns.serving(dir).ask("www.example.com", Type.A).getSection(1).size());
    }
}
