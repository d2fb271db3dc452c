package geodns.server.wire;

import geodns.server.testing.Packet;

/** Parsing one query at a time into a reused {@link Query}, as the transports do, for the parser's tests. */
abstract class QueryParsing {
    static final int A = 1;
    static final int AAAA = 28;

    final Query q = new Query();

    ParseResult parse(byte[] packet) {
        return QueryParser.parse(packet, packet.length, q);
    }

    ParseResult parse(Packet packet) {
        return parse(packet.build());
    }

    /** A query for www.example.com A with RD set and {@code ar} additional records still to be appended. */
    static Packet wwwQuery(int ar) {
        return Packet.query(ar).question("www.example.com", A);
    }

    static byte[] ecsQuery(byte[] ecsOption) {
        return wwwQuery(1).opt(1232, 0, false, ecsOption).build();
    }
}
