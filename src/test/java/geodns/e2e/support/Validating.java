package geodns.e2e.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the DNSSEC tests share: keys made by the real jar, and questions put to a validating resolver. */
public final class Validating {
    private Validating() {
    }

    /** {@code geodns dnssec keygen ZONE --keys DIR}; returns the key's DS as printed. */
    public static String keygen(String zone, Path keys) {
        Cli.Result made = Cli.run(60, "dnssec", "keygen", zone, "--keys", keys.toString());
        assertEquals(0, made.exitCode(), made::toString);
        String[] lines = made.stdout().strip().split("\n");
        return lines[lines.length - 1];
    }

    /** {@code geodns dnssec ds ZONE --keys DIR}: one DS per line. */
    public static List<String> ds(String zone, Path keys) {
        Cli.Result ds = Cli.run(60, "dnssec", "ds", zone, "--keys", keys.toString());
        assertEquals(0, ds.exitCode(), ds::toString);
        return List.of(ds.stdout().strip().split("\n"));
    }

    /** A recursive question with DO set, as a stub resolver behind Unbound asks it. */
    public static Reply ask(InetSocketAddress resolver, String name, String type, String... more) {
        List<String> args = new ArrayList<>(List.of("+time=5", "+recurse", "+dnssec"));
        args.addAll(List.of(more));
        args.addAll(List.of("-t", type, "-q", name));
        return Dig.run(resolver, args.toArray(new String[0])).only();
    }
}
