package geodns.server.dnssec;

import geodns.server.wire.Query;

/**
 * The NSEC proofs for names below one existing name (their closest encloser), chosen per query from the
 * pre-signed chain: a lookup, never a signature. The answer's own sections, encoded at build time, carry the
 * SOA (and for a wildcard's NODATA, the wildcard's NSEC); these add what depends on the query name.
 */
public final class Denial {
    private final NsecChain chain;
    private final int from;
    private final int to;
    private final int wildcard;

    Denial(NsecChain chain, int from, int to, int wildcard) {
        this.chain = chain;
        this.from = from;
        this.to = to;
        this.wildcard = wildcard;
    }

    /** NXDOMAIN (RFC 4035 §3.1.3.2): the NSEC covering the name, and the one covering the wildcard. */
    public void nameError(Query q) {
        int covering = chain.covering(q, from, to);
        q.proof(chain.encoded(covering), covering == wildcard ? null : chain.encoded(wildcard));
    }

    /**
     * An answer synthesized from the wildcard (RFC 4035 §3.1.3.3): the NSEC covering the query name; for NODATA
     * (§3.1.3.4) also the wildcard's own NSEC, which is added here because the answer's encoding writes the
     * wildcard's name as the query name.
     */
    public void wildcard(Query q, boolean noData) {
        int covering = chain.covering(q, from, to);
        if (noData) {
            q.proof(chain.encoded(wildcard), covering == wildcard ? null : chain.encoded(covering));
        } else {
            q.proof(chain.encoded(covering), null);
        }
    }
}
