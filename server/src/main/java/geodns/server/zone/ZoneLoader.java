package geodns.server.zone;

import geodns.server.config.ConfigError;
import geodns.server.config.HeapBudget;
import geodns.server.config.Links;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** Finds {@code <zone>.zone} files in the zones folder and reads each into checked {@link ZoneContent}. */
final class ZoneLoader {
    static final String SUFFIX = ".zone";

    private ZoneLoader() {}

    static List<ZoneContent> load(Path dir, int maxRecords, HeapBudget heap, List<ConfigError> errors) {
        List<ZoneContent> zones = new ArrayList<>();
        int total = 0;
        java.util.Map<Name, Path> seen = new java.util.HashMap<>();
        for (Path file : zoneFiles(dir, errors)) {
            String fileName = file.getFileName().toString();
            Name origin = origin(fileName, file, errors);
            if (origin == null) {
                continue;
            }
            Path other = seen.putIfAbsent(origin, file);
            if (other != null) {
                errors.add(new ConfigError(file.toString(), 0, "zone " + origin + " is already in " + other));
                continue;
            }
            List<PlacedRecord> records = new ArrayList<>();
            int errorsBefore = errors.size();
            MasterFileReader.read(file, origin, new MasterFileReader.Budget(maxRecords, total), heap, records, errors);
            if (errors.size() == errorsBefore + 1) {
                errors.addAll(SyntaxRecovery.after(file, origin, errors.get(errorsBefore)));
            }
            total += records.size();
            if (errors.size() == errorsBefore) {
                ZoneContent zone = ZoneChecks.check(origin, file.toString(), records, errors);
                if (zone != null) {
                    zones.add(zone);
                }
            }
        }
        return zones;
    }

    private static List<Path> zoneFiles(Path dir, List<ConfigError> errors) {
        if (!Files.isDirectory(dir)) {
            errors.add(new ConfigError(dir.toString(), 0, "not a directory"));
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            // Kubernetes ConfigMap mounts hold hidden ..data folders; folders do not count. Anything else that is
            // not a regular file (a FIFO, a device) is an error when it is read, not skipped.
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .filter(f -> !Links.report(f, errors))
                    .filter(f -> !Files.isDirectory(f))
                    .toList();
        } catch (IOException e) {
            errors.add(new ConfigError(dir.toString(), 0, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    private static Name origin(String fileName, Path file, List<ConfigError> errors) {
        String zone = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            return Name.fromString(zone, Name.root);
        } catch (TextParseException e) {
            errors.add(new ConfigError(file.toString(), 0, "file name is not a zone name: " + e.getMessage()));
            return null;
        }
    }
}
