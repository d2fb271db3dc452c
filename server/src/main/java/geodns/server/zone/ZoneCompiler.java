package geodns.server.zone;

import geodns.server.answer.NameNode;
import geodns.server.answer.Snapshot;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** Turns a zone into snapshot nodes with every answer encoded up front (gdnsd's way: no work per query). */
final class ZoneCompiler {
    /** Not a type at all, so no zone holds it: resolving it gives the answer for "any other type". */
    private static final int OTHER_TYPE = -1;

    private final ZoneTree tree;
    private final Sections nxdomain;

    private ZoneCompiler(ZoneTree tree) {
        this.tree = tree;
        this.nxdomain = tree.nameError().encode(SectionsEncoder.standalone());
    }

    static void compile(ZoneContent zone, Snapshot.Builder out) {
        ZoneCompiler compiler = new ZoneCompiler(new ZoneTree(zone));
        out.removeAtAndBelow(zone.origin());
        for (Name name : compiler.tree.names()) {
            out.put(name, compiler.node(name));
        }
    }

    private NameNode node(Name name) {
        Name cut = tree.cutAtOrAbove(name);
        if (cut != null) {
            // Names below the cut that do not exist share this referral, so it must not point into the question.
            Sections referral = tree.referral(cut).encode(SectionsEncoder.standalone());
            return new NameNode(new int[0], new Sections[0], referral, referral, referral, nxdomain);
        }
        int[] types = answerableTypes(name).stream().mapToInt(Integer::intValue).toArray();
        Sections[] byType = new Sections[types.length];
        for (int i = 0; i < types.length; i++) {
            byType[i] = encode(name, types[i]);
        }
        return new NameNode(types, byType, encode(name, OTHER_TYPE), encode(name, Type.ANY), null, nxdomain);
    }

    private Sections encode(Name name, int qtype) {
        SectionsEncoder encoder = name.isWild() ? SectionsEncoder.forWildcard(name) : SectionsEncoder.forName(name);
        return tree.resolve(name, qtype).encode(encoder);
    }

    /** The types with an answer of their own: those at the name; for a CNAME, any type its chain may end in. */
    private Set<Integer> answerableTypes(Name name) {
        Set<Integer> here = tree.types(name);
        return here.contains(Type.CNAME) ? tree.allTypes() : here;
    }
}
