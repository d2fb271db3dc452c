package geodns.e2e.support;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A client that keeps asking: run as a process of its own inside a network namespace ({@link NetNamespaces#spawn}),
 * it asks every server, for every client subnet (ECS), {@code app.example.com A} once per period, one thread per
 * server, and prints one line per answer: {@code EPOCH_MILLIS SERVER CLIENT ANSWER}, the answer being the sorted
 * addresses joined by commas, or {@code !REASON} (timeout, rcode) when there was none. Exits by itself after its
 * lifetime. One long-lived process instead of a dig per question: a two-minute watch of four servers is thousands
 * of questions, and a process each would load the machine more than the servers under test.
 *
 * <pre>{@code java -cp CLASSPATH geodns.e2e.support.AnswerWatch LIFETIME_S PERIOD_MS NAME=IP,... CLIENT=CIDR,...}</pre>
 *
 * <p>{@link Reader} follows the output from the test's side.
 */
public final class AnswerWatch {
    private static final String NAME = "app.example.com.";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private AnswerWatch() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: AnswerWatch LIFETIME_S PERIOD_MS NAME=IP,... CLIENT=CIDR,...");
            System.exit(2);
        }
        long lifetimeMillis = TimeUnit.SECONDS.toMillis(Long.parseLong(args[0]));
        long period = Long.parseLong(args[1]);
        Map<String, String> servers = pairs(args[2]);
        Map<String, String> clients = pairs(args[3]);
        long end = System.currentTimeMillis() + lifetimeMillis;
        List<Thread> threads = new ArrayList<>();
        servers.forEach((server, ip) -> {
            Thread t = new Thread(() -> watch(server, ip, clients, period, end), "watch-" + server);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        });
        System.out.println("watch: started");
        System.out.flush();
        for (Thread t : threads) {
            t.join();
        }
        System.exit(0);
    }

    private static void watch(String server, String ip, Map<String, String> clients, long period, long end) {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(GeoWorld.address(ip), 53));
        resolver.setTimeout(TIMEOUT);
        long next = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            for (Map.Entry<String, String> c : clients.entrySet()) {
                String answer = ask(resolver, c.getValue());
                synchronized (System.out) {
                    System.out.println(System.currentTimeMillis() + " " + server + " " + c.getKey() + " " + answer);
                    System.out.flush();
                }
            }
            next += period;
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            } else {
                next = System.currentTimeMillis();
            }
        }
    }

    private static String ask(SimpleResolver resolver, String subnet) {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.fromString(NAME), Type.A, DClass.IN));
            String[] parts = subnet.split("/");
            List<EDNSOption> ecs = List.of(new ClientSubnetOption(Integer.parseInt(parts[1]),
                    GeoWorld.address(parts[0])));
            query.addRecord(new OPTRecord(1232, 0, 0, 0, ecs), Section.ADDITIONAL);
            Message reply = resolver.send(query);
            if (reply.getRcode() != Rcode.NOERROR) {
                return "!" + Rcode.string(reply.getRcode());
            }
            TreeSet<String> addresses = new TreeSet<>();
            for (Record r : reply.getSection(Section.ANSWER)) {
                if (r instanceof ARecord a) {
                    addresses.add(a.getAddress().getHostAddress());
                }
            }
            return addresses.isEmpty() ? "!empty" : String.join(",", addresses);
        } catch (IOException e) {
            return "!" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()).replace(' ', '_');
        }
    }

    private static Map<String, String> pairs(String arg) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : arg.split(",")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], kv[1]);
        }
        return out;
    }

    /** The java command line that runs this class (test classes and dnsjava with what it needs on the class path). */
    public static List<String> command(long lifetimeSeconds, long periodMillis, Map<String, String> servers,
                                       Map<String, String> clients) {
        List<String> cp = new ArrayList<>();
        for (String cls : List.of(AnswerWatch.class.getName(), "org.xbill.DNS.Message", "org.slf4j.LoggerFactory")) {
            try {
                Class<?> c = Class.forName(cls);
                cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (ClassNotFoundException | URISyntaxException | NullPointerException e) {
                // slf4j only when dnsjava's version needs it (then it is on the test class path too)
            }
        }
        return List.of(GeodnsServer.javaBinary(), "-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", String.join(java.io.File.pathSeparator, cp), AnswerWatch.class.getName(),
                Long.toString(lifetimeSeconds), Long.toString(periodMillis), join(servers), join(clients));
    }

    private static String join(Map<String, String> m) {
        StringBuilder out = new StringBuilder();
        m.forEach((k, v) -> out.append(out.length() == 0 ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /** One line of the output. */
    public record Answer(long at, String server, String client, String answer) {
        public boolean ok() {
            return !answer.startsWith("!");
        }
    }

    /** Follows the output file of a running watch: each {@link #poll} returns the lines written since the last. */
    public static final class Reader {
        private final Path file;
        private long position;
        private final StringBuilder partial = new StringBuilder();
        private final List<Answer> all = new ArrayList<>();

        public Reader(Path file) {
            this.file = file;
        }

        public synchronized List<Answer> poll() {
            List<Answer> out = new ArrayList<>();
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                long length = f.length();
                if (length <= position) {
                    return out;
                }
                byte[] bytes = new byte[(int) (length - position)];
                f.seek(position);
                f.readFully(bytes);
                position = length;
                partial.append(new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file + ": " + e, e);
            }
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, newline);
                partial.delete(0, newline + 1);
                String[] f = line.split(" ");
                if (f.length == 4 && f[0].matches("\\d+")) {
                    out.add(new Answer(Long.parseLong(f[0]), f[1], f[2], f[3]));
                }
            }
            all.addAll(out);
            return out;
        }

        /** Every answer read so far whose time is in [from, to). */
        public synchronized List<Answer> between(long from, long to) {
            poll();
            return all.stream().filter(a -> a.at() >= from && a.at() < to).toList();
        }
    }
}
