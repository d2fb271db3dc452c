package geodns.server;

import geodns.server.admin.AdminServer;
import geodns.server.admin.Explainer;
import geodns.server.admin.ExplainClient;
import geodns.server.answer.Answerer;
import geodns.server.answer.RateLimiter;
import geodns.server.answer.Snapshot;
import geodns.server.metrics.Metrics;
import geodns.server.metrics.QueryLog;
import java.util.List;
import java.util.stream.Collectors;
import geodns.server.transport.DnsServer;
import geodns.server.config.ConfigError;
import geodns.server.zone.Zones;
import java.io.PrintStream;
import geodns.geoip.GeoDatabase;
import geodns.server.health.HealthView;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
                case "explain" -> explain(options);
                case "selftest" -> serve(options, true);
                default -> serve(options, false);
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
        Zones.Read read = Zones.read(options.zones(), options.maxRecords());
        if (!read.ok()) {
            read.errors().forEach(e -> err.println(e));
            err.println("geodns: " + read.errors().size() + " error(s) in " + options.zones());
            return EXIT_CONFIG;
        }
        List<ConfigError> warnings;
        // The database serve would use, for what depends on it (subdivisions need a City DB).
        try (GeoDatabase database = options.geoip().isEmpty() ? GeoDatabase.embedded()
                : GeoDatabase.open(options.geoip())) {
            warnings = read.sources().warnings(database);
        } catch (java.io.IOException e) {
            err.println("geodns: " + e.getMessage());
            return EXIT_CONFIG;
        }
        warnings.forEach(w -> err.println(w.asWarning()));
        Metrics metrics = new Metrics();
        Snapshot snapshot = Zones.compile(read.sources(), Zones.routing(read.sources(), null, metrics),
                HealthView.allUp(), metrics);
        for (Snapshot.LoadedZone zone : snapshot.zones()) {
            out.printf("zone %s serial %d records %d (%s)%n", zone.name(), zone.serial(), zone.records(),
                    zone.file());
        }
        snapshot.transfers().zones().stream()
                .sorted(java.util.Comparator.comparing(z -> z.origin().toString()))
                .forEach(z -> out.printf("transfer %s to %s%s%s%n", z.origin().toString(true),
                        z.rules().allow().stream().map(Object::toString).collect(Collectors.joining(", ")),
                        z.rules().key() == null ? "" : ", key " + z.rules().key().name().toString(true),
                        z.rules().secondaries().isEmpty() ? "" : ", notify " + z.rules().secondaries().stream()
                                .map(Main::format).collect(Collectors.joining(", "))));
        out.println("ok: " + snapshot.zones().size() + " zone(s)"
                + (warnings.isEmpty() ? "" : ", " + warnings.size() + " warning(s)"));
        return 0;
    }

    /** /explain on the command line: the running server's (--server), or from the files with every node up. */
    private static int explain(Options options) throws java.io.IOException {
        if (options.server() != null) {
            return explainByServer(options);
        }
        Zones.Read read = Zones.read(options.zones(), options.maxRecords());
        if (!read.ok()) {
            read.errors().forEach(System.err::println);
            return EXIT_CONFIG;
        }
        try (GeoDatabase database = options.geoip().isEmpty() ? GeoDatabase.embedded()
                : GeoDatabase.open(options.geoip())) {
            Metrics metrics = new Metrics();
            AtomicReference<Snapshot> snapshot = new AtomicReference<>(
                    Zones.compile(read.sources(), Zones.routing(read.sources(), database, metrics),
                            HealthView.allUp(), metrics));
            Explainer explainer = new Explainer(snapshot, new Answerer(snapshot, options.udpMax(), metrics));
            List<String> args = options.arguments();
            System.out.print(explainer.explain(Explainer.address(args.get(0)), args.get(1),
                    args.size() > 2 ? args.get(2) : "A").text());
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("geodns: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    private static int explainByServer(Options options) {
        List<String> args = options.arguments();
        try {
            ExplainClient.Answer answer = ExplainClient.ask(options.server(), args.get(0), args.get(1),
                    args.size() > 2 ? args.get(2) : "A");
            if (answer.status() == 200) {
                System.out.print(answer.body());
                return 0;
            }
            System.err.print("geodns: " + answer.body());
            return answer.status() == 400 ? EXIT_USAGE : EXIT_CONFIG;
        } catch (java.io.IOException e) {
            System.err.println("geodns: no answer from the server's admin port " + format(options.server()) + ": "
                    + describe(e));
            return EXIT_CONFIG;
        }
    }

    /** @param selftest ask the server one question over UDP and TCP once it is ready, then stop */
    private static int serve(Options options, boolean selftest) {
        Logger log = LoggerFactory.getLogger("geodns");
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        AtomicBoolean ready = new AtomicBoolean();
        Metrics metrics = new Metrics();
        try (Live live = new Live(options.zones(), options.geoip(), options.maxRecords(), metrics,
                options.instance())) {
            List<String> errors = live.start();
            if (!errors.isEmpty()) {
                errors.forEach(System.err::println);
                System.err.println("geodns: not starting: " + errors.size() + " error(s) in " + options.zones());
                return EXIT_CONFIG;
            }
            QueryLog queryLog = options.queryLog() == null ? null
                    : new QueryLog(options.queryLog(), options.queryLogSample(), options.queryLogMaxBytes());
            if (queryLog != null) {
                metrics.queryLog(queryLog);
            }
            warnIfIgnored(Signal.handle(new Signal("HUP"), s -> {
                live.reload();
                if (queryLog != null) {
                    queryLog.reopen();  // log rotation by mv + HUP, and a file deleted by mistake
                }
            }), log);
            RateLimiter rateLimiter = options.rrl().enabled() ? new RateLimiter(options.rrl()) : null;
            Answerer answerer = new Answerer(live.snapshot(), options.udpMax(), metrics, queryLog, rateLimiter);
            Explainer explainer = new Explainer(live.snapshot(), answerer);
            try (AdminServer admin = bound("--http", options.http(),
                    () -> new AdminServer(options.http(), ready::get, metrics, explainer, new LiveStatus(live),
                            live::peerView));
                 DnsServer dns = new DnsServer(answerer, options.tcp(), options.nativeUdp())) {
                log.info("admin http on {}", format(admin.address()));
                log.info("udp rate limiting: {}", describe(options.rrl()));
                for (InetSocketAddress address : options.dns()) {
                    bound("--dns", address, () -> {
                        dns.listen(address);
                        return dns;
                    });
                }
                ready.set(true);
                live.serving();
                log.info("ready");
                if (selftest) {
                    return SelfTest.passes(options.dns().get(0), live.snapshot().get().zones().get(0).name(),
                            System.out) ? 0 : EXIT_CONFIG;
                }
                stop.await();
                ready.set(false);
                log.info("stopping");
            } finally {
                if (queryLog != null) {
                    queryLog.close();
                }
            }
        } catch (Exception e) {
            System.err.println("geodns: cannot serve: " + describe(e));
            return EXIT_CONFIG;
        }
        log.info("stopped");
        return 0;
    }

    /**
     * The JVM leaves a signal alone that the process inherited as ignored (nohup ignores SIGHUP): the handler is
     * not installed and kill -HUP would do nothing, silently.
     */
    private static void warnIfIgnored(SignalHandler before, Logger log) {
        if (before == SignalHandler.SIG_IGN) {
            log.warn("SIGHUP is ignored by this process (inherited: started under nohup, or by a parent that ignores"
                    + " it): kill -HUP will not reload. Changed files are still reloaded within 2 s; start geodns"
                    + " without nohup (setsid, a service manager) for SIGHUP to work");
        }
    }

    /** An address that cannot be bound, named by its option: {@code --dns 127.0.0.1:5300: address already in use}. */
    static final class BindFailure extends Exception {
        BindFailure(String flag, InetSocketAddress address, Exception cause) {
            super(flag + " " + format(address) + ": " + reason(cause), cause);
        }

        /**
         * The reason alone from Java's, Netty's and our native transport's wordings ("Address already in use:
         * bind", "bind(..) failed: Address already in use", "Address already in use: udp 127.0.0.1:5300").
         */
        private static String reason(Exception e) {
            for (String part : String.valueOf(e.getMessage()).split(": ")) {
                if (!part.isBlank() && !part.matches("(bind|udp |tcp ).*")) {
                    return Character.toLowerCase(part.charAt(0)) + part.substring(1);
                }
            }
            return e.toString();
        }
    }

    private static <T> T bound(String flag, InetSocketAddress address, java.util.concurrent.Callable<T> bind)
            throws Exception {
        try {
            return bind.call();
        } catch (java.io.IOException e) {
            throw new BindFailure(flag, address, e);
        }
    }

    private static String describe(RateLimiter.Settings rrl) {
        return !rrl.enabled() ? "off"
                : rrl.rate() + " responses/s per network and kind, slip " + rrl.slip() + ", window " + rrl.window()
                        + " s, exempt " + (rrl.exempt().isEmpty() ? "none" : rrl.exempt());
    }

    private static String describe(Exception e) {
        return e instanceof BindFailure ? e.getMessage() : e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    static String format(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
