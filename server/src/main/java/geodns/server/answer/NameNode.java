package geodns.server.answer;

import geodns.server.dnssec.Denial;
import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import geodns.server.wire.Sections;

/**
 * Everything that can be said about one owner name, encoded at load time: the sections for each type it has,
 * what to say for any other type (NODATA, or a followed CNAME), for ANY, and, at or below a zone cut, the
 * referral that replaces all of it.
 */
public final class NameNode {

    private final int[] types;
    private final Sections[] byType;
    private final Sections otherwise;
    private final Sections any;
    private final Sections referral;
    private final Sections nxdomain;
    private final GeoAnswers geo;
    /** In a signed zone, the NSEC proofs for names below this one; null otherwise. */
    private final Denial denial;
    private NameNode wildcard;
    private WhyQuery why;

    public NameNode(int[] types, Sections[] byType, Sections otherwise, Sections any, Sections referral,
                    Sections nxdomain) {
        this(types, byType, otherwise, any, referral, nxdomain, null);
    }

    /** A node whose address answers depend on the client: it is, or its CNAMEs lead to, a geo name. */
    public NameNode(int[] types, Sections[] byType, Sections otherwise, Sections any, Sections referral,
                    Sections nxdomain, GeoAnswers geo) {
        this(types, byType, otherwise, any, referral, nxdomain, geo, null);
    }

    /** @param denial in a signed zone, the proofs for names below this one that do not exist */
    public NameNode(int[] types, Sections[] byType, Sections otherwise, Sections any, Sections referral,
                    Sections nxdomain, GeoAnswers geo, Denial denial) {
        this.geo = geo;
        this.denial = denial;
        this.types = types.clone();
        this.byType = byType.clone();
        this.otherwise = otherwise;
        this.any = any;
        this.referral = referral;
        this.nxdomain = nxdomain;
    }

    /** The answer when the query name is this node's name, or is synthesized from this wildcard node. */
    Sections answer(int qtype) {
        // A zone cut's own types are the parent's (a signed zone's DS, RFC 4035 §3.1.4.1); the rest is referral.
        for (int i = 0; i < types.length; i++) {
            if (types[i] == qtype) {
                return byType[i];
            }
        }
        if (referral != null) {
            return referral;
        }
        if (qtype == Codes.TYPE_ANY) {
            return any;
        }
        return otherwise;
    }

    /** The answer for a name below this one that does not exist: referral, wildcard, or NXDOMAIN. */
    Sections below(Query q) {
        if (referral != null) {
            return referral;
        }
        boolean proving = denial != null && q.dnssecOk();
        if (wildcard != null) {
            Sections synthesized = wildcard.answer(q.qtype());
            if (proving) {
                denial.wildcard(q, synthesized.answerCount() == 0);
            }
            return synthesized;
        }
        if (proving) {
            denial.nameError(q);
        }
        return nxdomain;
    }

    GeoAnswers geo() {
        return geo;
    }

    /** The why query below this name, or null: looked at only where a name below this one is missing. */
    WhyQuery why() {
        return why;
    }

    /** Set once while the snapshot is built, before it is published. */
    public void answersWhy(WhyQuery query) {
        this.why = query;
    }

    /** Set once while the snapshot is built, before it is published. */
    void wildcard(NameNode child) {
        this.wildcard = child;
    }
}
