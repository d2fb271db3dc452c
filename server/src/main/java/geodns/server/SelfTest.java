package geodns.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * {@code geodns selftest}: the running server asked for a zone's SOA over UDP and over TCP, as a resolver would.
 * Besides a smoke test, it is the image's training run for class data sharing: every class of the answer path is
 * loaded by the time the JVM writes its archive.
 */
final class SelfTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private SelfTest() {}

    static boolean passes(InetSocketAddress listening, String zone, PrintStream out) {
        InetSocketAddress target = new InetSocketAddress(reachable(listening.getAddress()), listening.getPort());
        boolean passed = true;
        for (boolean tcp : new boolean[] {false, true}) {
            String how = (tcp ? "tcp " : "udp ") + Main.format(target) + " " + zone + " SOA: ";
            try {
                SimpleResolver resolver = new SimpleResolver(target);
                resolver.setTCP(tcp);
                resolver.setTimeout(TIMEOUT);
                Message reply = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone, Name.root),
                        Type.SOA, DClass.IN)));
                boolean answered = reply.getRcode() == Rcode.NOERROR && !reply.getSection(Section.ANSWER).isEmpty();
                out.println(how + Rcode.string(reply.getRcode()) + ", " + reply.getSection(Section.ANSWER).size()
                        + " answer(s)" + (answered ? "" : ": FAILED"));
                passed &= answered;
            } catch (IOException e) {
                out.println(how + "FAILED: " + e);
                passed = false;
            }
        }
        return passed;
    }

    /** A wildcard address listens on loopback too; ask there. */
    private static InetAddress reachable(InetAddress listening) {
        if (!listening.isAnyLocalAddress()) {
            return listening;
        }
        try {
            return InetAddress.getByName(listening instanceof java.net.Inet6Address ? "::1" : "127.0.0.1");
        } catch (java.net.UnknownHostException literal) {
            throw new IllegalStateException(literal);
        }
    }
}
