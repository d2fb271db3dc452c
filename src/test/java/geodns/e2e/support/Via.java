package geodns.e2e.support;

import java.net.InetSocketAddress;

/** A client and a transport: every behaviour is checked with dig and with dnsjava, over UDP and over TCP. */
public enum Via {
    DIG_UDP(Transport.UDP),
    DIG_TCP(Transport.TCP),
    DNSJAVA_UDP(Transport.UDP),
    DNSJAVA_TCP(Transport.TCP);

    public final Transport transport;

    Via(Transport transport) {
        this.transport = transport;
    }

    public boolean isDig() {
        return this == DIG_UDP || this == DIG_TCP;
    }

    public Reply ask(GeodnsServer server, Ask ask) {
        return ask(server.dns(), ask);
    }

    public Reply ask(InetSocketAddress server, Ask ask) {
        return isDig() ? Dig.ask(server, transport, ask) : Dnsjava.ask(server, transport, ask);
    }
}
