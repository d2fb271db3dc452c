package geodns.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A small Dockerfile reader: stages, their instructions, the runtime stage's ENTRYPOINT and CMD, its JVM flags. */
public record Dockerfile(Path file, List<Stage> stages) {
    /** The repository's Dockerfile. */
    public static final Dockerfile REPOSITORY = parse(GeodnsServer.root().resolve("Dockerfile"));

    /** One instruction: keyword (upper case) and its text, continuation lines joined. */
    public record Instruction(String keyword, String text) {
        @Override
        public String toString() {
            return keyword + " " + text;
        }
    }

    /** One stage: its FROM and the instructions up to the next FROM. */
    public record Stage(String from, List<Instruction> instructions) {
        private static final Pattern FROM = Pattern.compile("(--platform=(\\S+)\\s+)?(\\S+)(\\s+AS\\s+(\\S+))?",
                Pattern.CASE_INSENSITIVE);

        private Matcher matcher() {
            Matcher m = FROM.matcher(from.trim());
            if (!m.matches()) {
                throw new AssertionError("cannot read FROM " + from);
            }
            return m;
        }

        public String image() {
            return matcher().group(3);
        }

        public String platform() {
            return matcher().group(2);
        }

        public String name() {
            return matcher().group(5);
        }

        public List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::text).toList();
        }

        public String workdir() {
            List<String> dirs = all("WORKDIR");
            return dirs.isEmpty() ? "" : dirs.get(dirs.size() - 1);
        }

        /** Every COPY as its words (flags such as --from=build first). */
        public List<String[]> copies() {
            return all("COPY").stream().map(c -> c.trim().split("\\s+")).toList();
        }

        /** The context paths of every plain COPY (no --from), in order. */
        public List<String> copySources() {
            List<String> out = new ArrayList<>();
            for (String[] copy : copies()) {
                if (!copy[0].startsWith("--")) {
                    for (int i = 0; i < copy.length - 1; i++) {
                        out.add(copy[i].endsWith("/") ? copy[i].substring(0, copy[i].length() - 1) : copy[i]);
                    }
                }
            }
            return out;
        }
    }

static Dockerfile parse(Path file) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : RepoFiles.read(file).split("\n", -1)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && trimmed.startsWith("#")) {
                continue;   // a comment inside a continued instruction
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            logical.add(current.toString());
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            throw new AssertionError("Dockerfile ends inside a continued line: " + current);
        }
        List<Stage> stages = new ArrayList<>();
        String from = null;
        List<Instruction> instructions = new ArrayList<>();
        for (String line : logical) {
            String[] parts = line.split("\\s+", 2);
            String keyword = parts[0].toUpperCase(java.util.Locale.ROOT);
            String text = parts.length > 1 ? parts[1] : "";
            if (keyword.equals("FROM")) {
                if (from != null) {
                    stages.add(new Stage(from, List.copyOf(instructions)));
                }
                from = text;
                instructions.clear();
            } else if (from == null) {
                if (!keyword.equals("ARG")) {
                    throw new AssertionError("instruction before the first FROM: " + line);
                }
            } else {
                instructions.add(new Instruction(keyword, text));
            }
        }
        if (from == null) {
            throw new AssertionError("no FROM in " + file);
        }
        stages.add(new Stage(from, List.copyOf(instructions)));
        return new Dockerfile(file, List.copyOf(stages));
    }

    public Stage runtime() {
        return stages.get(stages.size() - 1);
    }

    /** The final stage's ENTRYPOINT, which must be in exec (JSON array) form. */
    public List<String> entrypoint() {
        return execForm("ENTRYPOINT");
    }

    public List<String> cmd() {
        return execForm("CMD");
    }

    private List<String> execForm(String keyword) {
        List<String> all = runtime().all(keyword);
        if (all.size() != 1) {
            throw new AssertionError("one " + keyword + " in the runtime stage, not " + all.size());
        }
        Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(all.get(0));
        if (!(parsed instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof String))) {
            throw new AssertionError(keyword + " in exec form, a JSON array of strings: " + all.get(0));
        }
        return list.stream().map(String.class::cast).toList();
    }

    /**
     * The ENTRYPOINT's JVM options as java reads them: each {@code @argfile} replaced by the flags of the file the
     * runtime stage copies there.
     */
    public List<String> entrypointJvmFlags() {
        List<String> entrypoint = entrypoint();
        return expand(entrypoint.subList(1, entrypoint.indexOf("-jar")));
    }

    /** {@code words} with each {@code @PATH} replaced by the flags of the build-context file copied to PATH. */
    public List<String> expand(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String word : words) {
            if (word.startsWith("@")) {
                out.addAll(argFile(contextFileCopiedTo(word.substring(1))));
            } else {
                out.add(word);
            }
        }
        return out;
    }

    /** The file of the build context that a plain COPY of the runtime stage puts at {@code imagePath}. */
    public Path contextFileCopiedTo(String imagePath) {
        for (String[] copy : runtime().copies()) {
            if (copy.length == 2 && !copy[0].startsWith("--") && copy[1].equals(imagePath)) {
                return file.resolveSibling(copy[0]);
            }
        }
        throw new AssertionError("the runtime stage copies no file to " + imagePath + ": " + runtime());
    }

    /**
     * The flags of a java {@code @argfile} as this repository writes them: one or more flags a line, no quotes,
     * {@code #} to the end of the line a comment (as the java launcher reads it).
     */
    public static List<String> argFile(Path file) {
        List<String> flags = new ArrayList<>();
        for (String line : RepoFiles.read(file).split("\n")) {
            int comment = line.indexOf('#');
            String text = (comment < 0 ? line : line.substring(0, comment)).strip();
            if (text.contains("\"") || text.contains("'")) {
                throw new AssertionError(file + ": quotes are not used in the JVM flags: " + line);
            }
            if (!text.isEmpty()) {
                flags.addAll(List.of(text.split("\\s+")));
            }
        }
        if (flags.isEmpty()) {
            throw new AssertionError(file + " holds no JVM flag");
        }
        return flags;
    }

    /** {@code word}, or for an {@code @argfile} of the image the same option naming the build-context file. */
    public String onThisMachine(String word) {
        return word.startsWith("@") ? "@" + contextFileCopiedTo(word.substring(1)) : word;
    }
}
