package geodns.server;

import geodns.server.dnssec.KeyAlgorithm;
import geodns.server.dnssec.KeyFiles;
import geodns.server.dnssec.NewKey;
import geodns.server.dnssec.ZoneKey;
import geodns.server.dnssec.ZoneKeys;
import java.io.IOException;
import java.io.PrintStream;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/** {@code geodns dnssec keygen|ds ZONE --keys DIR}: make a zone's key, and say what its parent must publish. */
final class DnssecCommands {
    private DnssecCommands() {}

    static int run(Options options, PrintStream out, PrintStream err) {
        Name zone;
        try {
            zone = Name.fromString(options.arguments().get(1), Name.root);
        } catch (TextParseException e) {
            err.println("geodns: '" + options.arguments().get(1) + "' is not a zone name: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        return options.arguments().get(0).equals("keygen") ? keygen(zone, options, out, err) : ds(zone, options, out, err);
    }

    /** Prints the files written, then the DS: what goes to the registrar once the zone serves signed. */
    private static int keygen(Name zone, Options options, PrintStream out, PrintStream err) {
        try {
            NewKey key = NewKey.write(zone, KeyAlgorithm.of(options.algorithm()), options.keys());
            out.println(key.keyFile());
            out.println(key.privateFile());
            out.println(NewKey.ds(key.dnskey()));
            return 0;
        } catch (IOException e) {
            err.println("geodns: cannot write the key into " + options.keys() + ": " + e.getMessage());
            return Main.EXIT_CONFIG;
        }
    }

    /** One DS line per key of the zone on stdout (pasteable), what each key is on stderr. */
    private static int ds(Name zone, Options options, PrintStream out, PrintStream err) {
        KeyFiles.Read read = KeyFiles.readZone(options.keys(), zone);
        if (!read.ok()) {
            read.errors().forEach(err::println);
            return Main.EXIT_CONFIG;
        }
        ZoneKeys keys = read.keys().get(zone);
        if (keys == null) {
            err.println("geodns: no key of " + zone + " in " + options.keys() + " (geodns dnssec keygen "
                    + zone.toString(true) + " --keys " + options.keys() + " makes one)");
            return Main.EXIT_CONFIG;
        }
        for (ZoneKey key : keys.keys()) {
            err.println("; " + key);
            out.println(NewKey.ds(key.dnskey()));
        }
        return 0;
    }
}
