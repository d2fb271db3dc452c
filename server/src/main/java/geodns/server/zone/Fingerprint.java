package geodns.server.zone;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Name, size and modification time of every file a load reads, following links. Polled to notice edits:
 * unlike file-system events this also sees a Kubernetes ConfigMap update, which swaps the {@code ..data}
 * link under unchanged file names.
 */
public record Fingerprint(List<String> entries) {
    private static final int MAX_DEPTH = 4;

    public static Fingerprint of(Path zonesDir, List<Path> extraFiles) {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> files = Files.walk(zonesDir, MAX_DEPTH, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            files.filter(p -> !zonesDir.relativize(p).toString().startsWith(".")).sorted()
                    .forEach(p -> entries.add(describe(p)));
        } catch (IOException | java.io.UncheckedIOException e) {
            entries.add("unreadable " + zonesDir + ": " + e.getMessage());
        }
        extraFiles.forEach(f -> entries.add(describe(f)));
        return new Fingerprint(List.copyOf(entries));
    }

    private static String describe(Path p) {
        try {
            return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return p + " missing";
        }
    }
}
