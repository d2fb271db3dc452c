package geodns.server.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The files a load of the zones folder reads, which are the files whose change calls for a reload: the
 * folder's {@code *.zone}, {@code geo.yaml} and {@code transfer.yaml} (present or not, so a new zone is seen),
 * and what they named ({@code $INCLUDE}d files that gave records, TSIG secret files). After a failed load every
 * file counts: whatever changes next may be the fix.
 */
public record Inputs(Path dir, Set<Path> files, boolean everything, Predicate<String> readByName)
        implements Predicate<Path> {

    /** @param readByName the names a load reads from {@code dir} whether or not anything named them */
    public static Inputs of(Path dir, Collection<Path> named, Predicate<String> readByName) {
        Set<Path> files = new HashSet<>();
        named.forEach(f -> files.add(key(f)));
        return new Inputs(key(dir), Set.copyOf(files), false, readByName);
    }

    public static Inputs everything(Path dir) {
        return new Inputs(key(dir), Set.of(), true, name -> true);
    }

    /** These and {@code more}, e.g. the GeoIP files. */
    public Inputs and(Collection<Path> more) {
        Set<Path> all = new HashSet<>(files);
        more.forEach(f -> all.add(key(f)));
        return new Inputs(dir, Set.copyOf(all), everything, readByName);
    }

    @Override
    public boolean test(Path file) {
        Path p = key(file);
        return everything || files.contains(p)
                || dir.equals(p.getParent()) && readByName.test(p.getFileName().toString());
    }

    /** One spelling per file, so a path from dnsjava and one from a folder listing compare equal. */
    public static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }
}
