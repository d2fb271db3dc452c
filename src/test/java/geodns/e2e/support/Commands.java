package geodns.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a command to completion (bounded) with sbin on its PATH, and what such tests need around it. */
public final class Commands {
    private Commands() {
    }

    public static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    public static String run(long timeoutSeconds, String... command) throws Exception {
        return runIn(null, timeoutSeconds, command);
    }

    public static String runIn(Path dir, long timeoutSeconds, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            builder.directory(dir.toFile());
        }
        Map<String, String> env = builder.environment();
        env.put("PATH", env.getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
        Path out = Files.createTempFile("geodns-cmd-", ".out");
        try {
            Process process = builder.redirectOutput(out.toFile()).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("still running after " + timeoutSeconds + " s: " + String.join(" ", command)
                        + "\n" + RepoFiles.read(out));
            }
            String text = RepoFiles.read(out);
            if (process.exitValue() != 0 && !command[0].equals("unshare")) {
                throw new AssertionError("exit " + process.exitValue() + ": " + String.join(" ", command) + "\n"
                        + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    public static void copyTree(Path source, Path target) throws IOException {
        if (Files.isRegularFile(source)) {
            Files.createDirectories(target.getParent());
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
            return;
        }
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path to = target.resolve(source.relativize(file).toString());
                if (file.toString().contains("/target/")) {
                    continue;
                }
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.createDirectories(to.getParent());
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
