package geodns.e2e.support;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** .dockerignore rules: the last pattern that matches a path or one of its parents decides; ! keeps. */
public record DockerIgnore(List<Map.Entry<PathMatcher, Boolean>> rules) {
    public static DockerIgnore parse(Path file) {
        List<Map.Entry<PathMatcher, Boolean>> rules = new ArrayList<>();
        for (String line : RepoFiles.read(file).split("\n")) {
            String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            boolean keep = p.startsWith("!");
            p = RepoFiles.stripSlash(keep ? p.substring(1) : p);
            Map<String, Boolean> variants = new LinkedHashMap<>();
            variants.put(p, keep);
            if (p.startsWith("**/")) {
                variants.put(p.substring(3), keep);   // ** also matches no folder at all
            }
            for (String v : variants.keySet()) {
                rules.add(Map.entry(FileSystems.getDefault().getPathMatcher("glob:" + v), keep));
            }
        }
        return new DockerIgnore(rules);
    }

    public boolean excludes(String relative) {
        boolean excluded = false;
        for (Map.Entry<PathMatcher, Boolean> rule : rules) {
            Path path = Path.of(relative);
            boolean matches = false;
            for (Path p = path; p != null; p = p.getParent()) {
                if (rule.getKey().matches(p)) {
                    matches = true;
                    break;
                }
            }
            if (matches) {
                excluded = !rule.getValue();
            }
        }
        return excluded;
    }
}
