package geodns.e2e.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Another program a test runs beside geodns (a resolver, a secondary): its output goes to a log file, it is ready
 * once the log says so, and it is stopped by its own PID.
 */
final class LoggedProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private LoggedProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with stdout and stderr in {@code log}, and waits until the log holds {@code ready}. */
    static LoggedProcess start(Path log, Duration timeout, String ready, String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LoggedProcess started = new LoggedProcess(command[0], process, log);
        try {
            started.awaitLog(timeout, ready);
        } catch (RuntimeException | Error e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void awaitLog(Duration timeout, String ready) {
        Poll.until(timeout, Duration.ofMillis(100), name + " started (log: '" + ready + "')", () -> {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + log());
            }
            return log();
        }, text -> text.contains(ready));
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "cannot read " + log + ": " + e;
        }
    }

    /** SIGTERM to the program's PID, then SIGKILL if it lingers. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
