package geodns.server;

import geodns.server.admin.AdminServer;
import geodns.server.answer.Answerer;
import geodns.server.answer.Snapshot;
import geodns.server.metrics.Metrics;
import java.util.List;
import geodns.server.transport.DnsServer;
import geodns.server.zone.ZoneError;
import geodns.server.zone.Zones;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** The command line: wires the parts together and owns the process lifecycle. */
public final class Main {
    static final int EXIT_CONFIG = 1;
    static final int EXIT_USAGE = 2;

    private Main() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageException e) {
            System.err.println("geodns: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        int status;
        try {
            status = switch (options.command()) {
                case "--help" -> help();
                case "check" -> check(options, System.out, System.err);
                default -> serve(options);
            };
        } catch (Throwable t) {
            // Exit even then: Netty's threads would otherwise keep a broken process alive.
            t.printStackTrace();
            status = EXIT_CONFIG;
        }
        System.exit(status);
    }

    private static int help() {
        System.out.print(Options.USAGE);
        return 0;
    }

    static int check(Options options, PrintStream out, PrintStream err) {
        Zones.Loaded loaded = Zones.load(options.zones());
        if (!loaded.ok()) {
            loaded.errors().forEach(e -> err.println(e));
            err.println("geodns: " + loaded.errors().size() + " error(s) in " + options.zones());
            return EXIT_CONFIG;
        }
        for (Snapshot.LoadedZone zone : loaded.snapshot().zones()) {
            out.printf("zone %s serial %d records %d (%s)%n", zone.name(), zone.serial(), zone.records(),
                    zone.file());
        }
        out.println("ok: " + loaded.snapshot().zones().size() + " zone(s)");
        return 0;
    }

    private static int serve(Options options) {
        Logger log = LoggerFactory.getLogger("geodns");
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        AtomicBoolean ready = new AtomicBoolean();
        Metrics metrics = new Metrics();
        try (Live live = new Live(options.zones(), options.geoip(), metrics)) {
            List<String> errors = live.start();
            if (!errors.isEmpty()) {
                errors.forEach(System.err::println);
                System.err.println("geodns: not starting: " + errors.size() + " error(s) in " + options.zones());
                return EXIT_CONFIG;
            }
            Signal.handle(new Signal("HUP"), s -> live.reload());
            Answerer answerer = new Answerer(live.snapshot(), options.udpMax(), metrics);
            try (AdminServer admin = new AdminServer(options.http(), ready::get, metrics);
                 DnsServer dns = new DnsServer(answerer,
                         new DnsServer.Limits(options.tcpIdleSeconds(), options.tcpMaxConnections()))) {
                log.info("admin http on {}", format(admin.address()));
                for (InetSocketAddress address : options.dns()) {
                    dns.listen(address);
                }
                ready.set(true);
                log.info("ready");
                stop.await();
                ready.set(false);
                log.info("stopping");
            }
        } catch (Exception e) {
            System.err.println("geodns: cannot serve: " + describe(e));
            return EXIT_CONFIG;
        }
        log.info("stopped");
        return 0;
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
