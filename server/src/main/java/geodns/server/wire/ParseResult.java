package geodns.server.wire;

/** What to do with a packet once parsed. */
public enum ParseResult {
    /** A well-formed standard query: look it up. */
    QUERY,
    /** Not worth a reply: shorter than a header, or itself a response (QR=1), so replying could loop. */
    DROP,
    FORMERR,
    NOTIMP,
    BADVERS
}
