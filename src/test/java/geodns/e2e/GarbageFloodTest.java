package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.PacketMutator;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;

/**
 * A million spoiled packets over UDP and garbage over TCP at the real server, then: it still answers correctly,
 * it logged nothing at WARN or ERROR, and its memory did not grow between the first and the second half.
 *
 * <p>Bounded: the UDP senders stop at {@link #UDP_PACKETS} or after {@link #MAX_FLOOD}, whichever comes first
 * (about 40 s on a 2-core machine), and send in bursts without waiting for replies; a reader per socket drains
 * the replies so socket buffers never fill.
 */
@ExtendWith(ServerLogOnFailure.class)
class GarbageFloodTest {
    private static final int UDP_PACKETS = 1_000_000;
    private static final int SENDERS = 2;
    private static final int BURST = 64;
    /** Per sender; the server keeps up with this on a shared 2-core machine, so most garbage is really parsed. */
    private static final int PACKETS_PER_SECOND = 15_000;
    private static final long MAX_FLOOD = TimeUnit.SECONDS.toNanos(100);

    private static GeodnsServer server;

    @BeforeAll
    static void start() {
        server = GeodnsServer.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void millionSpoiledPacketsLeaveTheServerAnsweringQuietlyWithFlatMemory() throws Exception {
        // From here on: the load before may warn about the example config (its name servers are no nodes).
        int mark = server.log().length();
        AtomicLong sent = new AtomicLong();
        AtomicLong replies = new AtomicLong();
        AtomicLong tcpConnections = new AtomicLong();
        ExecutorService threads = Executors.newFixedThreadPool(SENDERS + 1);
        long deadline = System.nanoTime() + MAX_FLOOD;
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            long seed = 20261123L + i;
            work.add(threads.submit(() -> flood(seed, UDP_PACKETS / SENDERS, deadline, sent, replies)));
        }
        work.add(threads.submit(() -> tcpGarbage(7L, deadline, sent, tcpConnections)));

        Memory warm = awaitThenMeasure(sent, UDP_PACKETS / 10, work);
        Memory half = awaitThenMeasure(sent, UDP_PACKETS / 2, work);
        for (Future<?> f : work.subList(0, SENDERS)) {
            f.get(MAX_FLOOD + TimeUnit.SECONDS.toNanos(30), TimeUnit.NANOSECONDS);
        }
        work.get(SENDERS).cancel(true);
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        Memory end = Memory.of(server);
        System.out.printf("flood: %,d UDP packets, %,d UDP replies, %,d TCP connections; heap after GC %s / %s / %s MB,"
                        + " RSS %s / %s / %s MB (10%% / 50%% / end)%n", sent.get(), replies.get(), tcpConnections.get(),
                warm.heapMb(), half.heapMb(), end.heapMb(), warm.rssMb(), half.rssMb(), end.rssMb());

        assertTrue(sent.get() >= UDP_PACKETS, () -> "sent only " + sent.get() + " packets in time");
        assertTrue(server.isAlive(), "the server is still running");
        assertTrue(replies.get() > UDP_PACKETS / 10, () -> "replies: " + replies.get());
        answersCorrectly(Transport.UDP);
        answersCorrectly(Transport.TCP);
        String log = server.log().substring(mark);
        for (String line : log.split("\n")) {
            assertFalse(line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception"),
                    () -> "garbage is not worth a warning: " + line);
        }
        // The second half of the flood may not keep what the first half left behind.
        assertTrue(end.heapKb() <= half.heapKb() * 1.2 + 8 * 1024,
                () -> "heap after GC grew from " + half.heapMb() + " to " + end.heapMb() + " MB");
        assertTrue(end.rssKb() <= half.rssKb() * 1.15 + 48 * 1024,
                () -> "RSS grew from " + half.rssMb() + " to " + end.rssMb() + " MB");
    }

    /** Sends {@code count} spoiled packets in paced bursts from one socket, draining replies between bursts. */
    private static Void flood(long seed, int count, long deadline, AtomicLong sent, AtomicLong replies)
            throws IOException, InterruptedException {
        PacketMutator mutator = new PacketMutator(seed);
        ByteBuffer in = ByteBuffer.allocate(65535);
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.connect(server.dns());
            channel.configureBlocking(false);
            long started = System.nanoTime();
            for (int done = 0; done < count && System.nanoTime() < deadline; ) {
                for (int i = 0; i < BURST && done < count; i++, done++) {
                    channel.write(ByteBuffer.wrap(mutator.next()));
                    sent.incrementAndGet();
                }
                while (channel.read(in.clear()) > 0) {
                    replies.incrementAndGet();
                }
                long due = started + done * 1_000_000_000L / PACKETS_PER_SECOND;
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
            }
            long drainUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < drainUntil) {
                if (channel.read(in.clear()) > 0) {
                    replies.incrementAndGet();
                } else {
                    Thread.sleep(5);
                }
            }
        } catch (java.net.PortUnreachableException e) {
            throw new AssertionError("the server stopped listening on UDP after " + sent.get() + " packets", e);
        }
        return null;
    }

    /**
     * Garbage over TCP until told to stop: random length prefixes and bytes, half frames, frames cut off and
     * connections reset mid-frame, real queries pipelined between spoiled ones. Replies are read and dropped.
     */
    private static Void tcpGarbage(long seed, long deadline, AtomicLong sent, AtomicLong connections) {
        PacketMutator mutator = new PacketMutator(seed);
        Random random = mutator.random();
        while (!Thread.currentThread().isInterrupted() && System.nanoTime() < deadline
                && sent.get() < UDP_PACKETS) {
            try (Socket socket = new Socket()) {
                socket.connect(server.dns(), 1000);
                socket.setSoTimeout(50);
                connections.incrementAndGet();
                OutputStream out = socket.getOutputStream();
                switch (random.nextInt(6)) {
                    case 0 -> out.write(mutator.noise(1 + random.nextInt(300)));  // not framed at all
                    case 1 -> {  // a length prefix that promises more than comes
                        int length = 1 + random.nextInt(65535);
                        out.write(new byte[] {(byte) (length >>> 8), (byte) length});
                        out.write(mutator.noise(Math.min(length - 1, random.nextInt(200))));
                    }
                    case 2 -> {  // spoiled queries, framed, pipelined
                        for (int i = 1 + random.nextInt(20); i > 0; i--) {
                            out.write(Wire.frame(mutator.next()));
                        }
                    }
                    case 3 -> {  // a frame cut in half, then reset
                        byte[] frame = Wire.frame(mutator.next());
                        out.write(frame, 0, random.nextInt(frame.length));
                        socket.setSoLinger(true, 0);
                    }
                    case 4 -> out.write(new byte[] {0, 0});  // a zero-length message
                    default -> {  // a real query, then garbage
                        out.write(Wire.frame(Wire.probe(0x1234)));
                        out.write(mutator.noise(random.nextInt(100)));
                    }
                }
                out.flush();
                if (random.nextBoolean()) {
                    drain(socket.getInputStream());
                }
            } catch (IOException e) {
                // reset or closed by the server: what it may do with garbage
            }
        }
        return null;
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // timeout or reset
        }
    }

    /** Waits (at most the flood's bound) until {@code packets} were sent, then measures the server's memory. */
    private static Memory awaitThenMeasure(AtomicLong sent, long packets, List<Future<?>> work) throws Exception {
        long deadline = System.nanoTime() + MAX_FLOOD;
        while (sent.get() < packets && System.nanoTime() < deadline) {
            for (Future<?> f : work) {
                if (f.isDone()) {
                    f.get();  // a sender that failed fails the test now
                }
            }
            Thread.sleep(50);
        }
        return Memory.of(server);
    }

    /** Normal queries with known answers, after the flood. */
    private static void answersCorrectly(Transport transport) throws IOException {
        Message www = Wire.parse(Wire.exchange(transport, server.dns(), Wire.probe(0x0101)));
        assertEquals(0x0101, www.getHeader().getID());
        assertEquals(Rcode.NOERROR, www.getRcode());
        assertEquals("192.0.2.80", www.getSection(Section.ANSWER).get(0).rdataToString());

        Message blog = Wire.parse(Wire.exchange(transport, server.dns(), geodns.e2e.support.RawQuery
                .query(0x0102, "blog.example.com.", geodns.e2e.support.RawQuery.TYPE_A).bytes()));
        assertEquals(List.of("www.example.com.", "192.0.2.80"),
                blog.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).toList());

        Message nope = Wire.parse(Wire.exchange(transport, server.dns(), geodns.e2e.support.RawQuery
                .query(0x0103, "nope.example.com.", geodns.e2e.support.RawQuery.TYPE_A).bytes()));
        assertEquals(Rcode.NXDOMAIN, nope.getRcode());
        assertEquals(1, nope.getSection(Section.AUTHORITY).size());

        Message outside = Wire.parse(Wire.exchange(transport, server.dns(), geodns.e2e.support.RawQuery
                .query(0x0104, "example.org.", geodns.e2e.support.RawQuery.TYPE_A).bytes()));
        assertEquals(Rcode.REFUSED, outside.getRcode());
    }

    /** Heap in use right after a full GC (jcmd), and resident set size (/proc/PID/status), in KB. */
    private record Memory(long heapKb, long rssKb) {
        private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");
        private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

        static Memory of(GeodnsServer server) throws IOException, InterruptedException {
            long pid = server.process().pid();
            jcmd(pid, "GC.run");
            Matcher heap = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            assertTrue(heap.find(), "jcmd GC.heap_info shows the heap in use");
            Matcher rss = RSS.matcher(Files.readString(Path.of("/proc/" + pid + "/status")));
            assertTrue(rss.find(), "/proc/PID/status shows VmRSS");
            return new Memory(Long.parseLong(heap.group(1)), Long.parseLong(rss.group(1)));
        }

        String heapMb() {
            return String.format("%.1f", heapKb / 1024.0);
        }

        String rssMb() {
            return String.format("%.1f", rssKb / 1024.0);
        }

        private static String jcmd(long pid, String command) throws IOException, InterruptedException {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "jcmd " + command + ": " + output);
            return output;
        }
    }
}
