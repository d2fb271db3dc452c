package geodns.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar geodns.jar ARGS} to completion (bounded) and keeps stdout and stderr apart. */
public final class Cli {
    private Cli() {
    }

    public record Result(int exitCode, String stdout, String stderr, String command) {
        @Override
        public String toString() {
            return "$ " + command + "\nexit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /** Runs the jar with {@code args}; kills it and fails if it has not exited within {@code timeoutSeconds}. */
    public static Result run(long timeoutSeconds, String... args) {
        List<String> command = new ArrayList<>(List.of(GeodnsServer.javaBinary(), "-jar",
                GeodnsServer.jar().toString()));
        command.addAll(Arrays.asList(args));
        String shown = String.join(" ", command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("geodns-cli-", ".out");
            err = Files.createTempFile("geodns-cli-", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                throw new AssertionError("still running after " + timeoutSeconds + " s: " + shown + "\n--- stdout\n"
                        + Files.readString(out) + "--- stderr\n" + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), shown);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // a temp file
                    }
                }
            }
        }
    }
}
