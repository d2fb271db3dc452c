package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Commands;
import geodns.e2e.support.Dockerfile;
import geodns.e2e.support.GeodnsServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's recipe for port 53, tried for real with root (CI): a java carrying cap_net_bind_service, run as user
 * 10001 with only that capability in its bounding set (what the DaemonSet gives it), binds port 53 in a private
 * network namespace.
 */
class DockerfileCapabilityTest {
    /**
     * What the image and the DaemonSet do for port 53, tried on this machine's JDK: a copy of the java launcher
     * with cap_net_bind_service, libjli.so found through a loader cache (bind-mounted in a private mount
     * namespace), run as 10001 with nothing but NET_BIND_SERVICE in the bounding set, in a private network
     * namespace. It binds 0.0.0.0:53 and answers; with no_new_privs (allowPrivilegeEscalation: false) the file
     * capability is ignored and the bind is refused, which is why the DaemonSet allows escalation.
     */
    @Test
    @Timeout(120)
    void theImagesCapabilityRecipeLetsUser10001BindPort53(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "needs root (CI runs as root) to set file capabilities and create namespaces");
        for (String tool : List.of("setcap", "setpriv", "unshare", "ldconfig", "mount", "ip", "dig")) {
            Assumptions.assumeTrue(Commands.onPath(tool), tool + " is not installed");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));

        // A java whose home is this JDK: the launcher copied (it carries the capability), the rest linked.
        Path javaHome = Path.of(System.getProperty("java.home")).toRealPath();
        Path home = Files.createDirectories(tmp.resolve("jre"));
        try (Stream<Path> entries = Files.list(javaHome)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("bin")) {
                    Files.createSymbolicLink(home.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.copy(javaHome.resolve("bin/java"), java, StandardCopyOption.COPY_ATTRIBUTES);
        // The loader cache: the system's libraries plus libjli.so, as the image's ldconfig makes it.
        Path jli = Files.createDirectories(tmp.resolve("jli"));
        Files.createSymbolicLink(jli.resolve("libjli.so"), javaHome.resolve("lib/libjli.so"));
        Path ldConf = tmp.resolve("ld.so.conf");
        Files.writeString(ldConf, "include /etc/ld.so.conf.d/*.conf\n" + jli + "\n");
        Path ldCache = tmp.resolve("ld.so.cache");
        Commands.run(30, "ldconfig", "-C", ldCache.toString(), "-f", ldConf.toString());
        Path jar = Files.copy(GeodnsServer.jar(), tmp.resolve("geodns.jar"));
        Path zones = Files.createDirectories(tmp.resolve("zones"));
        Files.copy(GeodnsServer.exampleZones().resolve("example.com.zone"), zones.resolve("example.com.zone"));
        Files.copy(GeodnsServer.exampleZones().resolve("geo.yaml"), zones.resolve("geo.yaml"));
        Path javaTmp = Files.createDirectories(tmp.resolve("tmp"));
        Files.setPosixFilePermissions(javaTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (Path p : List.of(jar, zones.resolve("example.com.zone"), zones.resolve("geo.yaml"))) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        for (Path p : List.of(home, home.resolve("bin"), jli, zones)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        String withoutCapability = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "");
        assertTrue(withoutCapability.toLowerCase(Locale.ROOT).contains("permission denied"),
                "without a file capability user 10001 cannot bind port 53 (so the recipe is needed):\n"
                        + withoutCapability);

        Commands.run(30, "setcap", "cap_net_bind_service=+ep", java.toString());
        String allowed = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "");
        assertTrue(allowed.contains("ANSWER 192.0.2.80"), "user 10001 serves port 53:\n" + allowed);
        assertTrue(allowed.contains("EXIT 0"), "and stops with 0 on SIGTERM:\n" + allowed);

        String noNewPrivileges = inNamespaces(tmp, java, ldCache, jar, zones, javaTmp, "--no-new-privs");
        assertTrue(noNewPrivileges.toLowerCase(Locale.ROOT).contains("permission denied"),
                "with no_new_privs (allowPrivilegeEscalation: false) the file capability is ignored:\n"
                        + noNewPrivileges);
    }

    /** Runs java as 10001 in fresh network and mount namespaces; the output has ANSWER and EXIT lines. */
    private static String inNamespaces(Path tmp, Path java, Path ldCache, Path jar, Path zones, Path javaTmp,
                                       String setprivExtra) throws Exception {
        // The ENTRYPOINT's options, its argfile copied where user 10001 can read it.
        List<String> entrypoint = Dockerfile.REPOSITORY.entrypoint();
        List<String> options = new ArrayList<>();
        for (String option : entrypoint.subList(1, entrypoint.indexOf("-jar"))) {
            if (option.startsWith("@")) {
                Path argFile = tmp.resolve(Path.of(option.substring(1)).getFileName());
                Files.copy(Dockerfile.REPOSITORY.contextFileCopiedTo(option.substring(1)), argFile,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(argFile, PosixFilePermissions.fromString("rw-r--r--"));
                option = "@" + argFile;
            }
            options.add(option);
        }
        String flags = String.join(" ", options);
        Path script = tmp.resolve("run.sh");
        Path log = tmp.resolve("server.log");
        Files.writeString(script, String.join("\n",
                "set -u",
                "mount --bind " + ldCache + " /etc/ld.so.cache",
                "ip link set lo up",
                "setpriv --reuid 10001 --regid 10001 --clear-groups --bounding-set -all,+net_bind_service"
                        + " --inh-caps -all " + setprivExtra + " env -i PATH=/usr/bin:/bin HOME=/tmp "
                        + java + " " + flags + " -Djava.io.tmpdir=" + javaTmp + " -jar " + jar
                        + " serve --zones " + zones + " --dns 0.0.0.0:53 --http 127.0.0.1:8053 > " + log + " 2>&1 &",
                "pid=$!",
                "for i in $(seq 1 100); do",
                "  kill -0 $pid 2>/dev/null || break",
                "  a=$(dig @127.0.0.1 -p 53 www.example.com A +short +time=1 +tries=1 2>/dev/null"
                        + " | grep -E '^[0-9.]+$')",
                "  if [ -n \"$a\" ]; then echo \"ANSWER $a\"; break; fi",
                "  sleep 0.2",
                "done",
                "kill -TERM $pid 2>/dev/null",
                "wait $pid; echo \"EXIT $?\"",
                "cat " + log,
                ""));
        return Commands.run(60, "unshare", "--net", "--mount", "sh", script.toString());
    }
}
