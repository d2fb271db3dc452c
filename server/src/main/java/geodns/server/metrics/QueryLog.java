package geodns.server.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The optional query log: one JSON line per sampled query, written by a thread of its own. The hot path only
 * draws a random number; a sampled entry goes into a bounded queue, and is dropped (and counted) when the
 * writer falls behind, so a slow disk never slows answers.
 */
public final class QueryLog implements AutoCloseable {
    private static final int QUEUE = 10_000;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final double sample;
    private final Thread writer;
    private final BufferedWriter out;
    private volatile long dropped;

    /** @param sample the fraction of queries logged, (0, 1] */
    public QueryLog(Path file, double sample) throws IOException {
        this.sample = sample;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
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
            dropped++;
        }
    }

    private void write() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                out.write(lines.take());
                out.newLine();
                if (lines.isEmpty()) {
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger("geodns").error("query log stopped: {}", e.getMessage());
        }
    }

    public long dropped() {
        return dropped;
    }

    @Override
    public void close() throws IOException {
        writer.interrupt();
        try {
            writer.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        out.close();
    }
}
