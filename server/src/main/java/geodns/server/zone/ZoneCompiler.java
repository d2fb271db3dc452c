package geodns.server.zone;

import geodns.server.answer.GeoAnswers;
import geodns.server.answer.NameNode;
import geodns.server.answer.Snapshot;
import geodns.server.answer.WhyQuery;
import geodns.server.config.HeapBudget;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.ZoneKeys;
import geodns.server.metrics.Metrics;
import geodns.server.metrics.Tally;
import geodns.server.route.NodeSelection;
import geodns.server.route.Spill;
import geodns.server.wire.Header;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** Turns a zone into snapshot nodes with every answer encoded up front (gdnsd's way: no work per query). */
final class ZoneCompiler {
    /** Not a type at all, so no zone holds it: resolving it gives the answer for "any other type". */
    private static final int OTHER_TYPE = -1;

    private final ZoneTree tree;
    private final Map<Name, GeoNameRecords> geoNames;
    private final Metrics metrics;
    private final Sections nxdomain;
    private final HeapBudget heap;
    private final String file;
    /** Null for a zone without keys. */
    private final SignedAnswers signed;

    private ZoneCompiler(ZoneTree tree, Map<Name, GeoNameRecords> geoNames, Metrics metrics, HeapBudget heap,
                         String file, SignedAnswers signed) {
        this.tree = tree;
        this.metrics = metrics;
        this.geoNames = geoNames;
        this.heap = heap;
        this.file = file;
        this.signed = signed;
        this.nxdomain = standalone(tree.nameError());
    }

    /**
     * @param geoNames the geo names inside this zone
     * @param heap counts every answer as it is encoded: a CNAME's answers hold its target's records, so what a
     *             zone compiles to cannot be told from its size on disk
     */
    static void compile(ZoneContent zone, Map<Name, GeoNameRecords> geoNames, Snapshot.Builder out, Metrics metrics,
                        HeapBudget heap) {
        compile(zone, geoNames, out, metrics, heap, Signatures.none());
    }

    /** @param signatures signs the zone when it has keys there, and remembers signatures from build to build */
    static void compile(ZoneContent zone, Map<Name, GeoNameRecords> geoNames, Snapshot.Builder out, Metrics metrics,
                        HeapBudget heap, Signatures signatures) {
        ZoneKeys keys = signatures.keys(zone.origin());
        ZoneContent content = keys == null ? zone : SignedAnswers.withKeys(zone, keys);
        ZoneTree tree = new ZoneTree(content, geoNames.keySet());
        SignedAnswers signed = keys == null ? null : SignedAnswers.of(tree, geoNames, keys, signatures);
        ZoneCompiler compiler = new ZoneCompiler(tree, geoNames, metrics, heap, zone.file(), signed);
        out.removeAtAndBelow(zone.origin());
        for (Name name : compiler.tree.names()) {
            heap.charge(HeapBudget.PER_NAME, zone.file(), 0);
            out.put(name, compiler.node(name));
        }
    }

    private Sections counted(Sections sections) {
        heap.charge(HeapBudget.PER_ANSWER + sections.bytes().length, file, 0);
        return sections;
    }

    private NameNode node(Name name) {
        Name cut = tree.cutAtOrAbove(name);
        if (cut != null) {
            // Names below the cut that do not exist share this referral, so it must not point into the question.
            Sections referral = standalone(tree.referral(cut));
            counted(referral);
            if (signed != null && cut.equals(name)) {
                // RFC 4035 §3.1.4.1: the DS set is the parent's, so the parent answers for it, signed.
                List<Record> ds = tree.rrset(cut, Type.DS);
                Resolution forDs = ds.isEmpty() ? tree.negative(Header.NOERROR, List.of())
                        : new Resolution(Header.NOERROR, true, ds, List.of(), List.of());
                return new NameNode(new int[] {Type.DS, Type.NSEC}, new Sections[] {
                    encode(name, forDs), encode(name, signed.nsecAnswer(name))}, referral, referral, referral,
                    nxdomain);
            }
            return new NameNode(new int[0], new Sections[0], referral, referral, referral, nxdomain);
        }
        Resolution forA = tree.resolve(name, Type.A);
        GeoAnswers geo = forA.geoName() == null ? null : geoAnswers(name, forA, tree.resolve(name, Type.AAAA));
        // A wildcard's NSEC is not synthesized for the names it stands for (RFC 4592 §4.3).
        Resolution forNsec = signed == null || name.isWild() || tree.types(name).contains(Type.CNAME) ? null
                : signed.nsecAnswer(name);
        int[] types = java.util.stream.IntStream.concat(answerableTypes(name).stream().mapToInt(Integer::intValue),
                        forNsec == null ? java.util.stream.IntStream.empty() : java.util.stream.IntStream.of(Type.NSEC))
                .filter(type -> geo == null || type != Type.A && type != Type.AAAA).toArray();
        Sections[] byType = new Sections[types.length];
        Resolution[] resolved = new Resolution[types.length];
        Resolution forAny = tree.resolve(name, Type.ANY);
        Sections any = null;
        for (int i = 0; i < types.length; i++) {
            resolved[i] = types[i] == Type.NSEC && forNsec != null ? forNsec : tree.resolve(name, types[i]);
            byType[i] = encode(name, resolved[i]);
            if (any == null && resolved[i].equals(forAny)) {
                any = byType[i];  // ANY's one RRset is this type's answer: the same bytes, kept once
            }
        }
        NameNode node = new NameNode(types, byType, encode(name, tree.resolve(name, OTHER_TYPE)),
                any != null ? any : encode(name, forAny), null, nxdomain, geo,
                signed == null ? null : signed.denialBelow(name));
        // In a signed zone the why answer, made per query, could only be signed per query: it is not offered.
        if (geo != null && signed == null) {
            node.answersWhy(whyQuery(name, geo, geoNames.get(forA.geoName())));
        }
        return node;
    }

    /**
     * The why query under a name that answers by geography; null when its geo name turns it off, or when the zone
     * has the why name, or a wildcard that would make it: the zone's data wins (and {@link WhyChecks} warns).
     */
    private WhyQuery whyQuery(Name name, GeoAnswers geo, GeoNameRecords target) {
        Name why = name.isWild() || !target.why() ? null : WhyQuery.under(name);
        if (why == null || tree.names().contains(why) || tree.names().contains(wildcardUnder(name))) {
            return null;
        }
        List<List<String>> a = target.a().stream().map(ZoneCompiler::addresses).toList();
        List<List<String>> aaaa = target.aaaa().stream().map(ZoneCompiler::addresses).toList();
        return new WhyQuery(why, geo, a, aaaa, encode(why, tree.negative(Header.NOERROR, List.of())));
    }

    private static Name wildcardUnder(Name name) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), name);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    private static List<String> addresses(List<GeoNameRecords.Weighted> records) {
        return records.stream().filter(w -> w.weight() > 0).map(GeoNameRecords.Weighted::record)
                .map(r -> AddressText.of(r instanceof org.xbill.DNS.ARecord v4 ? v4.getAddress()
                : ((org.xbill.DNS.AAAARecord) r).getAddress())).toList();
    }

    /** The plain answer, and in a signed zone its signed variant beside it. */
    private Sections encode(Name name, Resolution resolution) {
        Sections plain = counted(resolution.encode(encoder(name)));
        if (signed == null) {
            return plain;
        }
        return plain.withSigned(counted(signed.signed(name, resolution, name.isWild()).encode(encoder(name))));
    }

    /** An answer shared by many query names, such as a referral or the zone's NXDOMAIN. */
    private Sections standalone(Resolution resolution) {
        Sections plain = resolution.encode(SectionsEncoder.standalone());
        if (signed == null) {
            return plain;
        }
        // The proofs that name the query name are added per query (synthesized: true).
        Resolution variant = signed.signed(null, resolution, true);
        return plain.withSigned(counted(variant.encode(SectionsEncoder.standalone())));
    }

    private Sections encode(Name name, List<Record> answer) {
        return encode(name, new Resolution(Header.NOERROR, true, answer, List.of(), List.of()));
    }

    private static SectionsEncoder encoder(Name name) {
        return name.isWild() ? SectionsEncoder.forWildcard(name) : SectionsEncoder.forName(name);
    }

    /** Every location's answer, encoded now: the CNAMEs that lead to the geo name, then its addresses there. */
    private GeoAnswers geoAnswers(Name name, Resolution forA, Resolution forAaaa) {
        GeoNameRecords target = geoNames.get(forA.geoName());
        int locations = target.a().size();
        NodeSelection[] a = new NodeSelection[locations];
        NodeSelection[] aaaa = new NodeSelection[locations];
        for (int i = 0; i < locations; i++) {
            a[i] = NodeSelection.of(target.a().get(i), GeoNameRecords.Weighted::weight, target.maxAnswers(),
                    records -> encode(name, concat(forA.answer(), records)));
            aaaa[i] = NodeSelection.of(target.aaaa().get(i), GeoNameRecords.Weighted::weight, target.maxAnswers(),
                    records -> encode(name, concat(forAaaa.answer(), records)));
        }
        Sections noAaaa = encode(name, tree.negative(Header.NOERROR, forAaaa.answer()));
        String geoName = target.name().toString(true);
        Tally[] chosen = target.locations().stream().map(l -> metrics.geoAnswers(geoName, l)).toArray(Tally[]::new);
        boolean[] up = new boolean[locations];
        for (int i = 0; i < locations; i++) {
            up[i] = target.up().get(i);
        }
        String[] names = target.locations().toArray(String[]::new);
        int[] weights = target.weights().stream().mapToInt(Integer::intValue).toArray();
        Spill spill = target.spill() == 0 || target.failOpen() ? null : new Spill(target.spill(), weights, names);
        return new GeoAnswers(target.index(), geoName, names, up, a, aaaa, noAaaa,
                chosen, target.failOpen() ? metrics.failOpen() : null, spill, weights, target.admin());
    }

    private static List<Record> concat(List<Record> first, List<GeoNameRecords.Weighted> second) {
        List<Record> all = new ArrayList<>(first);
        second.forEach(w -> all.add(w.record()));
        return all;
    }

    /** The types with an answer of their own: those at the name; for a CNAME, any type its chain may end in. */
    private Set<Integer> answerableTypes(Name name) {
        Set<Integer> here = tree.types(name);
        return here.contains(Type.CNAME) ? tree.allTypes() : here;
    }
}
