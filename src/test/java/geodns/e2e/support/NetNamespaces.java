package geodns.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A private test network of Linux network namespaces ({@code ip netns}), for tests that need several hosts: a
 * "switch" namespace holding a bridge, and host namespaces each joined to the bridge by a veth pair ({@code eth0}
 * in the host, named after the host in the switch) with the addresses the test gives it.
 *
 * <p>The root namespace's networking is never touched: every link is created from inside the switch namespace
 * ({@code ip -n SWITCH link add HOST type veth peer name eth0 netns HOST_NS}), so no interface, address or route
 * ever exists outside the namespaces made here, and traffic between the hosts never leaves them. Names carry a
 * random suffix ({@code gd-lon-3f9a1c}), so parallel or left-over runs do not collide.
 *
 * <p>{@link #close} (also run by a shutdown hook) ends every process started here — first the ones it holds,
 * then whatever {@code ip netns pids} still finds in each namespace — and deletes every namespace.
 */
public final class NetNamespaces implements AutoCloseable {
    private static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

    /** What a command printed (stdout and stderr together) and its exit status; -1 when it was killed. */
    public record Result(int exitCode, String output, String command) {
        public boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return "$ " + command + " (exit " + exitCode + ")\n" + output;
        }
    }

    private final String suffix;
    private final String switchNs;
    private final List<String> namespaces = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetNamespaces(String suffix) {
        this.suffix = suffix;
        this.switchNs = "gd-sw-" + suffix;
        this.shutdownHook = new Thread(this::closeQuietly, "netns-cleanup-" + suffix);
    }

    /**
     * Why this machine cannot run namespace tests (no {@code ip}, not allowed to create namespaces, no veth or
     * bridge support), or null when it can. Tries it for real in a throwaway namespace, which it deletes again.
     */
    public static String unavailableReason() {
        Result version;
        try {
            version = run(Duration.ofSeconds(5), "ip", "-V");
        } catch (AssertionError e) {
            return "no 'ip' command (Debian: apt-get install iproute2): " + e.getMessage();
        }
        if (!version.ok()) {
            return "'ip -V' failed: " + version;
        }
        String probe = "gd-probe-" + randomSuffix();
        Result add = run(IP_TIMEOUT, "ip", "netns", "add", probe);
        if (!add.ok()) {
            return "cannot create a network namespace (needs root or CAP_SYS_ADMIN + CAP_NET_ADMIN): " + add;
        }
        try {
            for (String[] step : List.of(
                    new String[] {"ip", "-n", probe, "link", "set", "lo", "up"},
                    new String[] {"ip", "-n", probe, "link", "add", "br0", "type", "bridge"},
                    new String[] {"ip", "-n", probe, "link", "add", "v0", "type", "veth", "peer", "name", "v1"},
                    new String[] {"ip", "-n", probe, "link", "set", "v0", "master", "br0"})) {
                Result r = run(IP_TIMEOUT, step);
                if (!r.ok()) {
                    return "network namespaces work, but not veth pairs and bridges in them: " + r;
                }
            }
            return null;
        } finally {
            run(IP_TIMEOUT, "ip", "netns", "del", probe);
        }
    }

    /** Creates the switch namespace with its bridge. */
    public static NetNamespaces create() {
        NetNamespaces net = new NetNamespaces(randomSuffix());
        Runtime.getRuntime().addShutdownHook(net.shutdownHook);
        try {
            net.addNamespace(net.switchNs);
            net.ip("-n", net.switchNs, "link", "add", "br0", "type", "bridge");
            net.ip("-n", net.switchNs, "link", "set", "br0", "up");
            return net;
        } catch (RuntimeException | Error e) {
            net.closeQuietly();
            throw e;
        }
    }

    /**
     * Adds a host: namespace {@code gd-NAME-SUFFIX} with {@code lo} up and {@code eth0} on the bridge carrying
     * {@code cidrs} (e.g. "10.253.0.1/16"). {@code name} is at most 10 characters (it names the veth end in the
     * switch). Returns the namespace's name.
     */
    public String host(String name, String... cidrs) {
        if (!name.matches("[a-z0-9]{1,10}")) {
            throw new IllegalArgumentException("host name must be 1-10 of [a-z0-9]: " + name);
        }
        String ns = "gd-" + name + "-" + suffix;
        addNamespace(ns);
        ip("-n", switchNs, "link", "add", name, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip("-n", switchNs, "link", "set", name, "master", "br0");
        ip("-n", switchNs, "link", "set", name, "up");
        for (String cidr : cidrs) {
            ip("-n", ns, "addr", "add", cidr, "dev", "eth0");
        }
        ip("-n", ns, "link", "set", "eth0", "up");
        return ns;
    }

    private void addNamespace(String ns) {
        ip("netns", "add", ns);
        namespaces.add(ns);
        ip("-n", ns, "link", "set", "lo", "up");
    }

    private void ip(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Result r = run(IP_TIMEOUT, command);
        if (!r.ok()) {
            throw new AssertionError("setting up the test network failed: " + r);
        }
    }

    /**
     * Starts {@code command} inside {@code ns} ({@code ip netns exec}, which execs it: the process is the command
     * itself), output (stdout and stderr) to {@code log}. {@link #close} ends it if the test does not.
     */
    public Process spawn(String ns, Path log, List<String> command) {
        requireOurs(ns);
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(command);
        try {
            Files.writeString(log, "$ " + String.join(" ", full) + "\n", StandardCharsets.UTF_8);
            Process p = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new AssertionError("cannot start " + full + ": " + e, e);
        }
    }

    /** Runs {@code command} inside {@code ns} and waits for it (killed after {@code timeout}). */
    public Result exec(String ns, Duration timeout, String... command) {
        requireOurs(ns);
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return run(timeout, full);
    }

    /** Ends {@code process} (and any children): SIGTERM, then SIGKILL after {@code grace}; waits for the exit. */
    public static void end(Process process, Duration grace) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills {@code process} at once (SIGKILL), as a crash or an unplugged node would end it; waits for the exit. */
    public static void kill(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The namespaces made so far (switch first). */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    private void requireOurs(String ns) {
        if (!namespaces.contains(ns)) {
            throw new IllegalArgumentException("not a namespace of this test network: " + ns);
        }
    }

    // ------------------------------------------------------------------------------------------ cleanup

    /**
     * Ends every process started here and every process still inside the namespaces, then deletes the namespaces
     * (hosts first, the switch last; deleting a namespace also deletes its veth pair). Fails when something
     * could not be cleaned up, after trying everything.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
        List<String> problems = new ArrayList<>();
        List<Process> newestFirst = new ArrayList<>(processes);   // e.g. servers before what they depend on
        Collections.reverse(newestFirst);
        for (Process p : newestFirst) {
            if (p.isAlive()) {
                end(p, Duration.ofSeconds(5));
            }
        }
        List<String> reversed = new ArrayList<>(namespaces);
        Collections.reverse(reversed);
        for (String ns : reversed) {
            try {
                killRemaining(ns, problems);
            } catch (RuntimeException | AssertionError e) {
                problems.add(ns + ": " + e.getMessage());
            }
            Result del = run(IP_TIMEOUT, "ip", "netns", "del", ns);
            if (!del.ok()) {
                problems.add("cannot delete namespace " + ns + ": " + del);
            }
        }
        Result left = run(IP_TIMEOUT, "ip", "netns", "list");
        for (String ns : namespaces) {
            if (Arrays.stream(left.output().split("\n")).anyMatch(l -> l.split(" ")[0].equals(ns))) {
                problems.add("namespace " + ns + " still exists");
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("test network cleanup: " + String.join("; ", problems));
        }
    }

    /** Kills (SIGKILL) whatever still runs in {@code ns}: only processes started by this test can be there. */
    private static void killRemaining(String ns, List<String> problems) {
        for (int round = 0; round < 50; round++) {
            List<Long> pids = pids(ns);
            if (pids.isEmpty()) {
                return;
            }
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            sleep(100);
        }
        problems.add("processes still in " + ns + " after 5 s: " + pids(ns));
    }

    private static List<Long> pids(String ns) {
        Result r = run(IP_TIMEOUT, "ip", "netns", "pids", ns);
        List<Long> out = new ArrayList<>();
        if (!r.ok()) {
            return out;
        }
        for (String line : r.output().split("\\s+")) {
            if (line.matches("\\d+")) {
                out.add(Long.parseLong(line));
            }
        }
        return out;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | AssertionError e) {
            System.err.println(e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------ commands

    /** Runs {@code command} (bounded by {@code timeout}: killed after it, exit code -1). */
    public static Result run(Duration timeout, String... command) {
        String shown = String.join(" ", command);
        Path out = null;
        try {
            out = Files.createTempFile("netns-", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            int exit;
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                exit = p.exitValue();
            } else {
                kill(p);
                exit = -1;
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (exit == -1) {
                text += "\n(killed after " + timeout.toMillis() + " ms)";
            }
            return new Result(exit, text, shown);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + shown, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    private static String randomSuffix() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
