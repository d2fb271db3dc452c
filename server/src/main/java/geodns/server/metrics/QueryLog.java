package geodns.server.metrics;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional query log: one JSON line per sampled query, written by a thread of its own. The hot path only
 * draws a random number; a sampled entry goes into a bounded queue, and is dropped (and counted, in
 * {@code geodns_query_log_dropped_total}) when the writer falls behind, so a slow disk never slows answers.
 *
 * <p>The file is the writer's alone: it rotates it by size (to {@code FILE.1}, one rotated file kept, as many
 * servers do), reopens it on request (SIGHUP, after the file was moved or deleted), and after a write error (a
 * full disk) drops entries and tries to reopen every {@link #RETRY_MILLIS}, so logging resumes once the disk has
 * room again.
 */
public final class QueryLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final int QUEUE = 10_000;
    /** Default --query-log-max-size: at full rate (21 MB/s) about five seconds; sampled, hours. */
    public static final long DEFAULT_MAX_BYTES = 100L << 20;
    static final long RETRY_MILLIS = 5_000;
    /** How long the writer waits for an entry before it looks at reopen and close requests. */
    private static final long WAKE_MILLIS = 200;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final double sample;
    private final Path file;
    private final Path rotated;
    private final long maxBytes;
    private final long retryMillis;
    private final Thread writer;
    private volatile boolean reopenRequested;
    private volatile boolean closing;
    /** Added to by the answering threads and the writer at once. */
    private final LongAdder dropped = new LongAdder();

    // The writer thread's own.
    private OutputStream out;
    private long written;
    private long retryAt;

    /** @param sample the fraction of queries logged, (0, 1]; @param maxBytes rotate past this; 0: never */
    public QueryLog(Path file, double sample, long maxBytes) throws IOException {
        this(file, sample, maxBytes, RETRY_MILLIS);
    }

    QueryLog(Path file, double sample, long maxBytes, long retryMillis) throws IOException {
        this.sample = sample;
        this.file = file;
        this.rotated = file.resolveSibling(file.getFileName() + ".1");
        this.maxBytes = maxBytes;
        this.retryMillis = retryMillis;
        open();  // a log that cannot be opened at start is an error at start
        this.writer = new Thread(this::write, "query-log");
        writer.setDaemon(true);
        writer.start();
    }

    public boolean sampled() {
        return sample >= 1 || ThreadLocalRandom.current().nextDouble() < sample;
    }

    /** Called only for sampled queries. */
    public void log(String client, boolean overTcp, String name, int qtype, int rcode, String subnet, int scope) {
        String line = "{\"time\":\"" + Instant.now() + "\",\"client\":\"" + client + "\",\"transport\":\""
                + (overTcp ? "tcp" : "udp") + "\",\"name\":\"" + name.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"type\":" + qtype + ",\"rcode\":" + rcode
                + (subnet == null ? "" : ",\"ecs\":\"" + subnet + "\",\"scope\":" + scope) + "}";
        if (!lines.offer(line)) {
            dropped.increment();
        }
    }

    /** Closes and reopens the file within {@link #WAKE_MILLIS} (SIGHUP: the file may have been moved or deleted). */
    public void reopen() {
        reopenRequested = true;
    }

    private void write() {
        while (!closing) {
            String line;
            try {
                line = lines.poll(WAKE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;  // still write what is queued and close the file
            }
            if (reopenRequested) {
                reopenRequested = false;
                closeQuietly();
                retryAt = 0;
                tryOpen();
            }
            if (out == null && System.currentTimeMillis() >= retryAt) {
                tryOpen();
            }
            if (line == null) {
                continue;
            }
            if (out == null) {
                dropped.increment();
                continue;
            }
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                if (maxBytes > 0 && written > 0 && written + bytes.length > maxBytes) {
                    rotate();
                }
                out.write(bytes);
                written += bytes.length;
                if (lines.isEmpty()) {
                    out.flush();
                }
            } catch (IOException e) {
                dropped.increment();
                LOG.error("query log {}: {}; entries are dropped, reopening every {} s", file, e.getMessage(),
                        retryMillis / 1000.0);
                closeQuietly();
                retryAt = System.currentTimeMillis() + retryMillis;
            }
        }
        for (String line = lines.poll(); line != null && out != null; line = lines.poll()) {
            try {
                out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                break;
            }
        }
        closeQuietly();
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        Files.move(file, rotated, StandardCopyOption.REPLACE_EXISTING);
        open();
    }

    private void open() throws IOException {
        // Not an interruptible channel: nothing here is closed under the writer by a stray interrupt.
        out = new BufferedOutputStream(new FileOutputStream(file.toFile(), true), 64 << 10);
        written = Files.size(file);
    }

    private void tryOpen() {
        try {
            open();
            if (retryAt != 0) {
                LOG.info("query log {}: writing again", file);
            }
            retryAt = 0;
        } catch (IOException e) {
            out = null;
            if (retryAt == 0) {
                LOG.error("query log {}: cannot open: {}; retrying every {} s", file, e.getMessage(),
                        retryMillis / 1000.0);
            }
            retryAt = System.currentTimeMillis() + retryMillis;
        }
    }

    private void closeQuietly() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            // the buffered entries are lost; the error was (or will be) logged by the write that met it
        }
        out = null;
    }

    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void close() {
        closing = true;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
