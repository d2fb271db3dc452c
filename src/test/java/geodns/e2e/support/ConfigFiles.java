package geodns.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Changing files under a running server the ways operators and Kubernetes do: replaced atomically (a new file
 * renamed over the old one, as editors and geoipupdate do), rewritten keeping size and modification time (only
 * the change time reveals it), and a ConfigMap volume (files are links into {@code ..data}, itself a link
 * to a timestamped folder, swapped by one rename, as the kubelet's atomic writer does).
 */
public final class ConfigFiles {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final DateTimeFormatter KUBELET_STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");

    private ConfigFiles() {
    }

    /** Writes {@code text} to a temporary file next to {@code file}'s folder, then renames it over {@code file}. */
    public static void replace(Path file, String text) {
        replace(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #replace(Path, String)} for bytes. The temporary file is outside the folder (a sibling). */
    public static void replace(Path file, byte[] bytes) {
        Path dir = file.toAbsolutePath().getParent();
        Path staging = dir.resolveSibling(dir.getFileName() + ".staging");
        try {
            Files.createDirectories(staging);
            Path tmp = staging.resolve(file.getFileName() + "." + SEQUENCE.incrementAndGet());
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rewrites {@code file} in place with {@code text} of the same length and puts its modification time back:
     * name, size and modification time are as before. Only the change time moves, which nobody can set back; the
     * server's poll watches it too, so it sees this change within 2 s as well.
     */
    public static void rewriteUnnoticeably(Path file, String text) {
        try {
            long size = Files.size(file);
            FileTime time = Files.getLastModifiedTime(file);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            if (bytes.length != size) {
                throw new IllegalArgumentException("new text has " + bytes.length + " bytes, the file " + size);
            }
            Files.write(file, bytes);
            Files.setLastModifiedTime(file, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ ConfigMap

    /**
     * A ConfigMap volume at {@code dir} holding {@code files} (name to content): {@code dir/NAME -> ..data/NAME},
     * {@code dir/..data -> ..TIMESTAMP}, the files in {@code dir/..TIMESTAMP/}. Returns {@code dir}.
     */
    public static Path configMap(Path dir, Map<String, String> files) {
        try {
            Files.createDirectories(dir);
            Path version = writeVersion(dir, files);
            Files.createSymbolicLink(dir.resolve("..data"), version.getFileName());
            for (String name : files.keySet()) {
                Files.createSymbolicLink(dir.resolve(name), Path.of("..data", name));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Updates the ConfigMap volume at {@code dir} as the kubelet does: a new timestamped folder with every file,
     * a link {@code ..data_tmp} to it renamed over {@code ..data} (one atomic step), then the old folder deleted.
     * The file names must be those the volume was made with.
     */
    public static void updateConfigMap(Path dir, Map<String, String> files) {
        try {
            Path old = dir.resolve("..data").toRealPath();
            Path version = writeVersion(dir, files);
            Path tmp = dir.resolve("..data_tmp");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, version.getFileName());
            Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeVersion(Path dir, Map<String, String> files) throws IOException {
        String stamp = ".." + LocalDateTime.now().format(KUBELET_STAMP) + "." + System.nanoTime();
        Path version = Files.createDirectory(dir.resolve(stamp));
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(version.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
        return version;
    }

    /** Deletes {@code root} and everything below it (links are deleted, not followed). */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
