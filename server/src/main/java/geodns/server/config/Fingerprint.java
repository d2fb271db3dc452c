package geodns.server.config;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Size and modification time of the files in the zones folder and of some files beside it, following links.
 * Polled to notice edits: unlike file-system events this also sees a Kubernetes ConfigMap update, which swaps
 * the {@code ..data} link under unchanged file names. {@link #only} keeps the files a load reads, so a log or
 * an editor's backup written into the folder changes nothing.
 */
public record Fingerprint(Map<Path, String> stamps) {
    private static final int MAX_DEPTH = 4;

    /** Every file under {@code zonesDir} but hidden ones, and {@code alsoFiles} wherever they are. */
    public static Fingerprint of(Path zonesDir, Collection<Path> alsoFiles) {
        Map<Path, String> stamps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(zonesDir, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            files.filter(p -> !zonesDir.relativize(p).toString().startsWith("."))
                    .forEach(p -> stamps.put(Inputs.key(p), stamp(p)));
        } catch (IOException | java.io.UncheckedIOException e) {
            stamps.put(Inputs.key(zonesDir), "unreadable: " + e.getMessage());
        }
        alsoFiles.forEach(f -> stamps.put(Inputs.key(f), stamp(f)));
        return new Fingerprint(Map.copyOf(stamps));
    }

    /** The stamps of the files {@code watched} accepts, the folder's own stamp among them if it was unreadable. */
    public Fingerprint only(Predicate<Path> watched) {
        Map<Path, String> kept = new TreeMap<>();
        stamps.forEach((p, s) -> {
            if (watched.test(p) || s.startsWith("unreadable")) {
                kept.put(p, s);
            }
        });
        return new Fingerprint(Map.copyOf(kept));
    }

    /** With stamps for those of {@code files} it has none of, taken now. */
    public Fingerprint withAlso(Collection<Path> files) {
        Map<Path, String> all = new TreeMap<>(stamps);
        files.forEach(f -> all.putIfAbsent(Inputs.key(f), stamp(f)));
        return new Fingerprint(Map.copyOf(all));
    }

    /**
     * Which file (inode), its size, modification and change time: the change time moves with a {@code chmod} that
     * makes an unreadable file readable, and with any write, even one that puts the modification time back. A
     * link that exists but cannot be followed is stamped as such (and the load reports it), not as missing.
     */
    private static String stamp(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:ino,size,lastModifiedTime,ctime");
            return a.get("ino") + " " + a.get("size") + " " + a.get("lastModifiedTime") + " " + a.get("ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            try {
                return Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return "missing";
            }
        } catch (IOException e) {
            String link = Links.unfollowable(p);
            return link != null ? "link: " + link : "missing";
        }
    }
}
