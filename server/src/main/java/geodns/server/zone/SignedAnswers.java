package geodns.server.zone;

import geodns.server.dnssec.Denial;
import geodns.server.dnssec.NsecChain;
import geodns.server.dnssec.Signatures;
import geodns.server.dnssec.ZoneKey;
import geodns.server.dnssec.ZoneKeys;
import geodns.server.wire.Header;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.CDNSKEYRecord;
import org.xbill.DNS.CDSRecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A signed zone's answers for queries with the DO bit (RFC 4035 §3.1), made beside the plain ones when the
 * snapshot is built: each authoritative RRset with its RRSIGs, and the NSEC records that prove a negative answer.
 * The proofs that depend on the query name alone (below a closest encloser) are chosen per query by
 * {@link Denial}.
 */
final class SignedAnswers {
    /** Types the zone file may not give for a signed zone: they are made here from the keys. */
    private static final Set<Integer> MADE_HERE = Set.of(Type.DNSKEY, Type.CDS, Type.CDNSKEY, Type.RRSIG, Type.NSEC,
            Type.NSEC3, Type.NSEC3PARAM);

    private final ZoneTree tree;
    private final ZoneKeys keys;
    private final Signatures signatures;
    private final NsecChain chain;

    private SignedAnswers(ZoneTree tree, ZoneKeys keys, Signatures signatures, NsecChain chain) {
        this.tree = tree;
        this.keys = keys;
        this.signatures = signatures;
        this.chain = chain;
    }

    /**
     * The zone's records as signed: without any DNSSEC records of its file, with the DNSKEY set of every
     * published key and CDS (SHA-256) and CDNSKEY (RFC 7344) at the apex for those the parent should point at.
     */
    static ZoneContent withKeys(ZoneContent zone, ZoneKeys keys) {
        Name apex = zone.origin();
        long ttl = zone.soa().getTTL();
        List<PlacedRecord> records = new ArrayList<>();
        zone.records().stream().filter(p -> !MADE_HERE.contains(p.record().getType())).forEach(records::add);
        for (ZoneKey key : keys.keys()) {
            DNSKEYRecord k = key.dnskey();
            records.add(new PlacedRecord(new DNSKEYRecord(apex, DClass.IN, ttl, k.getFlags(), k.getProtocol(),
                    k.getAlgorithm(), k.getKey()), zone.file(), 0));
        }
        for (ZoneKey key : parentKeys(keys)) {
            DNSKEYRecord k = key.dnskey();
            records.add(new PlacedRecord(new CDSRecord(apex, DClass.IN, ttl, DSRecord.Digest.SHA256, k),
                    zone.file(), 0));
            records.add(new PlacedRecord(new CDNSKEYRecord(apex, DClass.IN, ttl, k.getFlags(), k.getProtocol(),
                    k.getAlgorithm(), k.getKey()), zone.file(), 0));
        }
        return new ZoneContent(apex, zone.file(), zone.soa(), List.copyOf(records));
    }

    /**
     * The keys the parent's DS set should name (RFC 7344: CDS is the DS set the child wants): every published key
     * with the SEP flag (257), or every key if none has it. A pre-published key is among them, so a parent that
     * reads CDS adds its DS before it signs (a double-DS rollover), and drops the old DS only once the old .key
     * is gone: the DS set always holds a key that signs the DNSKEY set.
     */
    static List<ZoneKey> parentKeys(ZoneKeys keys) {
        List<ZoneKey> sep = keys.keys().stream().filter(k -> (k.dnskey().getFlags() & 1) != 0).toList();
        return sep.isEmpty() ? keys.keys() : sep;
    }

    /**
     * Signs the NSEC chain over every name of {@code tree} that holds data (geo names with the address types
     * they answer with under this health view) or is a delegation.
     */
    static SignedAnswers of(ZoneTree tree, Map<Name, GeoNameRecords> geoNames, ZoneKeys keys,
                            Signatures signatures) {
        Map<Name, Set<Integer>> types = new HashMap<>();
        for (Name name : tree.names()) {
            Name cut = tree.cutAtOrAbove(name);
            Set<Integer> here = new TreeSet<>(tree.types(name));
            if (cut != null) {
                if (!cut.equals(name)) {
                    continue;  // glue and occluded names: not ours
                }
                here.retainAll(Set.of(Type.NS, Type.DS));
            }
            GeoNameRecords geo = geoNames.get(name);
            if (geo != null) {
                if (geo.a().stream().anyMatch(l -> !l.isEmpty())) {
                    here.add(Type.A);
                }
                if (geo.aaaa().stream().anyMatch(l -> !l.isEmpty())) {
                    here.add(Type.AAAA);
                }
            }
            if (!here.isEmpty()) {
                types.put(name, here);
            }
        }
        NsecChain chain = NsecChain.build(tree.origin(), types, tree.negativeTtl(), keys, signatures);
        List<List<Record>> authoritative = new ArrayList<>();
        types.forEach((name, held) -> held.forEach(type -> {
            List<Record> rrset = tree.rrset(name, type);
            if (!rrset.isEmpty() && (type != Type.NS || tree.cutAtOrAbove(name) == null)) {
                authoritative.add(rrset);
            }
        }));
        signatures.signAhead(keys, authoritative);
        return new SignedAnswers(tree, keys, signatures, chain);
    }

    /**
     * A zone as a secondary receives it, signed (RFC 4035 §2): its records (the SOA apart) with the DNSKEY set,
     * CDS and CDNSKEY, every authoritative RRset's RRSIGs (the SOA's too), and the NSEC chain, in canonical order.
     * Glue and delegation NS sets go unsigned.
     */
    static List<Record> transferBody(Name origin, org.xbill.DNS.SOARecord soa, List<Record> body, ZoneKeys keys,
                                     Signatures signatures) {
        List<PlacedRecord> placed = new ArrayList<>();
        placed.add(new PlacedRecord(soa, "", 0));
        body.forEach(r -> placed.add(new PlacedRecord(r, "", 0)));
        ZoneTree tree = new ZoneTree(withKeys(new ZoneContent(origin, "", soa, placed), keys), Set.of());
        SignedAnswers signed = of(tree, Map.of(), keys, signatures);
        List<Record> out = new ArrayList<>();
        for (Name name : new TreeSet<>(tree.names())) {
            for (int type : tree.types(name)) {
                List<Record> rrset = tree.rrset(name, type);
                List<Record> withSigs = signed.sign(rrset);
                out.addAll(type == Type.SOA ? withSigs.subList(rrset.size(), withSigs.size()) : withSigs);
            }
        }
        for (int i = 0; i < signed.chain.size(); i++) {
            out.addAll(signed.chain.records(i));
        }
        return out;
    }

    /** The proofs for names below {@code name}, which exists. */
    Denial denialBelow(Name name) {
        return chain.denialBelow(name);
    }

    /** The NSEC of {@code name} (a name of the chain) as an answer to a query for type NSEC; null if it has none. */
    Resolution nsecAnswer(Name name) {
        int index = chain.indexOf(name);
        return index < 0 ? null : new Resolution(Header.NOERROR, true, List.of(chain.nsec(index)), List.of(),
                List.of());
    }

    /**
     * {@code plain}'s signed variant, for a query for {@code qname}.
     *
     * @param synthesized the answer is given for names a wildcard stands for: the proofs that name the wildcard
     *                    or the query name are added per query
     */
    Resolution signed(Name qname, Resolution plain, boolean synthesized) {
        List<Record> answer = sign(plain.answer());
        if (!plain.authoritative()) {
            Name cut = plain.authority().get(0).getName();
            List<Record> authority = new ArrayList<>(plain.authority());
            authority.addAll(dsOrItsAbsence(cut));
            return new Resolution(plain.rcode(), false, answer, authority, plain.additional());
        }
        boolean negative = plain.authority().stream().anyMatch(r -> r.getType() == Type.SOA);
        if (negative) {
            List<Record> authority = sign(plain.authority());
            Name last = lastName(qname, plain.answer());
            if (plain.rcode() == Header.NXDOMAIN) {
                if (!plain.answer().isEmpty()) {
                    authority.addAll(nameError(last));
                }
            } else if (!(synthesized && plain.answer().isEmpty())) {
                authority.addAll(noData(last));
            }
            return new Resolution(plain.rcode(), true, answer, authority, List.of());
        }
        // An answer for a wildcard's names gets its proof appended per query, after the answer: no additional.
        List<Record> additional = synthesized ? List.of() : sign(plain.additional());
        return new Resolution(plain.rcode(), true, answer, sign(plain.authority()), additional);
    }

    /** The DS set at a delegation with its RRSIGs, or the delegation's NSEC proving it has none. */
    List<Record> dsOrItsAbsence(Name cut) {
        List<Record> ds = tree.rrset(cut, Type.DS);
        return ds.isEmpty() ? chain.records(chain.indexOf(cut)) : sign(ds);
    }

    private List<Record> sign(List<Record> records) {
        return signatures.withSignatures(keys, records, r -> tree.cutAtOrAbove(r.getName()) != null
                && r.getType() != Type.DS);
    }

    private static Name lastName(Name qname, List<Record> answer) {
        if (answer.isEmpty()) {
            return qname;
        }
        Record last = answer.get(answer.size() - 1);
        return last instanceof CNAMERecord cname ? cname.getTarget() : last.getName();
    }

    /** NODATA (RFC 4035 §3.1.3.1): the name's NSEC; an empty non-terminal's is the one that covers it. */
    private List<Record> noData(Name name) {
        int index = chain.indexOf(name);
        if (index >= 0) {
            return chain.records(index);
        }
        if (tree.exists(name)) {
            return chain.covering(name);
        }
        // Synthesized from a wildcard: the name does not exist, the wildcard has no such type.
        Name wildcard = wildcardOf(tree.closestEncloser(name));
        List<Record> proof = new ArrayList<>(chain.covering(name));
        if (chain.floor(name) != chain.floor(wildcard)) {
            proof.addAll(chain.covering(wildcard));
        }
        return proof;
    }

    /** NXDOMAIN (RFC 4035 §3.1.3.2) for a name known at build time (a CNAME's target). */
    private List<Record> nameError(Name name) {
        Name wildcard = wildcardOf(tree.closestEncloser(name));
        List<Record> proof = new ArrayList<>(chain.covering(name));
        if (chain.floor(name) != chain.floor(wildcard)) {
            proof.addAll(chain.covering(wildcard));
        }
        return proof;
    }

    private static Name wildcardOf(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return encloser;
        }
    }
}
