package geodns.server.zone;

import geodns.server.wire.Header;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One zone's names and RRsets, and the answer an authoritative server gives for any question about them
 * (RFC 1034 §4.3.2 with RFC 4592 wildcards, RFC 2308 negative answers, RFC 8482 ANY). Used at load time only:
 * its answers are encoded once and served from the snapshot.
 */
final class ZoneTree {
    private static final int MAX_CNAME_HOPS = 8;
    private static final Name WILDCARD_LABEL = Name.fromConstantString("*");

    private final Name origin;
    private final SOARecord negativeSoa;
    /** Every name that exists, empty non-terminals included (with no RRsets). */
    private final Map<Name, Map<Integer, List<Record>>> names = new HashMap<>();

    private final Set<Name> geoNames;

    /** @param geoNames the geo names inside this zone: they exist, and their addresses are chosen per client */
    ZoneTree(ZoneContent zone, Set<Name> geoNames) {
        this.origin = zone.origin();
        this.geoNames = Set.copyOf(geoNames);
        SOARecord soa = zone.soa();
        long negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        this.negativeSoa = new SOARecord(origin, DClass.IN, negativeTtl, soa.getHost(), soa.getAdmin(),
                soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
        for (PlacedRecord placed : zone.records()) {
            Record r = placed.record();
            names.computeIfAbsent(r.getName(), n -> new TreeMap<>())
                    .computeIfAbsent(r.getType(), t -> new ArrayList<>())
                    .add(r);
        }
        geoNames.forEach(name -> names.computeIfAbsent(name, n -> new TreeMap<>()));
        for (Name name : List.copyOf(names.keySet())) {
            for (Name up = parent(name); up != null; up = parent(up)) {
                names.computeIfAbsent(up, n -> new TreeMap<>());
            }
        }
    }

    Name origin() {
        return origin;
    }

    Set<Name> names() {
        return names.keySet();
    }

    /** The TTL of negative answers' SOA, which an NSEC takes too (RFC 9077). */
    long negativeTtl() {
        return negativeSoa.getTTL();
    }

    boolean exists(Name name) {
        return names.containsKey(name);
    }

    /** The records of one type at {@code name}, none when it has none. */
    List<Record> rrset(Name name, int type) {
        Map<Integer, List<Record>> rrsets = names.get(name);
        return rrsets == null ? List.of() : rrsets.getOrDefault(type, List.of());
    }

    /** The nearest name at or above {@code name} that exists (RFC 4592 §3.3.1). */
    Name closestEncloser(Name name) {
        Name n = name;
        while (!names.containsKey(n) && parent(n) != null) {
            n = parent(n);
        }
        return n;
    }

    /** The types that hold data at {@code name}. */
    Set<Integer> types(Name name) {
        return names.get(name).keySet();
    }

    /** The zone cut at or above {@code name}, below the apex, if any: we are not authoritative there. */
    Name cutAtOrAbove(Name name) {
        for (Name n = name; n != null && !n.equals(origin); n = parent(n)) {
            Map<Integer, List<Record>> rrsets = names.get(n);
            if (rrsets != null && rrsets.containsKey(Type.NS)) {
                return n;
            }
        }
        return null;
    }

    /** Every type held anywhere in the zone, CNAME included. */
    Set<Integer> allTypes() {
        Set<Integer> all = new java.util.TreeSet<>();
        names.values().forEach(rrsets -> all.addAll(rrsets.keySet()));
        return all;
    }

    /** NXDOMAIN for a name that does not exist, with no wildcard to synthesize it from. */
    Resolution nameError() {
        return negative(Header.NXDOMAIN, List.of());
    }

    Resolution resolve(Name qname, int qtype) {
        List<Record> answer = new ArrayList<>();
        Set<Name> visited = new HashSet<>(Set.of(qname));
        Name name = qname;
        while (true) {
            Name cut = cutAtOrAbove(name);
            if (cut != null) {
                return answer.isEmpty() ? referral(cut) : positive(answer);
            }
            Map<Integer, List<Record>> rrsets = find(name);
            if (rrsets == null) {
                return negative(Header.NXDOMAIN, answer);
            }
            if (geoNames.contains(name) && (qtype == Type.A || qtype == Type.AAAA || qtype == Type.ANY)) {
                return new Resolution(Header.NOERROR, true, answer, List.of(), List.of(), name);
            }
            if (qtype == Type.ANY && answer.isEmpty()) {
                return rrsets.isEmpty() ? negative(Header.NOERROR, answer) : any(name, rrsets);
            }
            List<Record> wanted = rrsets.get(qtype);
            if (wanted != null) {
                answer.addAll(owned(wanted, name));
                return positive(answer);
            }
            List<Record> cname = rrsets.get(Type.CNAME);
            if (cname == null) {
                return negative(Header.NOERROR, answer);
            }
            answer.addAll(owned(cname, name));
            name = ((CNAMERecord) cname.get(0)).getTarget();
            // RFC 1034 §4.3.2: follow only inside this zone; elsewhere the resolver takes over.
            if (!name.subdomain(origin) || !visited.add(name) || visited.size() > MAX_CNAME_HOPS) {
                return positive(answer);
            }
        }
    }

    /** The referral for a delegation: its NS set, and the addresses we hold for those servers (glue). */
    Resolution referral(Name cut) {
        List<Record> ns = names.get(cut).get(Type.NS);
        return new Resolution(Header.NOERROR, false, List.of(), ns,
                addressesOf(ns.stream().map(Record::getAdditionalName).toList()));
    }

    /** The RRsets at {@code name}, synthesized from the wildcard of its closest encloser if it does not exist. */
    private Map<Integer, List<Record>> find(Name name) {
        Map<Integer, List<Record>> exact = names.get(name);
        if (exact != null) {
            return exact;
        }
        for (Name encloser = parent(name); encloser != null; encloser = parent(encloser)) {
            if (names.containsKey(encloser)) {
                return names.get(wildcardOf(encloser));
            }
        }
        return null;
    }

    private static Name wildcardOf(Name encloser) {
        try {
            return Name.concatenate(WILDCARD_LABEL, encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    private static Name parentOf(Name name) {
        return name.labels() > 1 ? new Name(name, 1) : null;
    }

    private Name parent(Name name) {
        return name.equals(origin) ? null : parentOf(name);
    }

    private Resolution positive(List<Record> answer) {
        return new Resolution(Header.NOERROR, true, answer, List.of(), additionalFor(answer));
    }

    Resolution negative(int rcode, List<Record> answer) {
        return new Resolution(rcode, true, answer, List.of(negativeSoa), List.of());
    }

    /** RFC 8482 §4.2: one RRset the name has, not all of them. */
    private Resolution any(Name name, Map<Integer, List<Record>> rrsets) {
        List<Record> first = rrsets.values().iterator().next();
        return new Resolution(Header.NOERROR, true, owned(first, name), List.of(), List.of());
    }

    /** Addresses of the servers an answer names: NS, MX and SRV targets, and the SOA's primary server. */
    private List<Record> additionalFor(List<Record> answer) {
        List<Name> targets = answer.stream().map(ZoneTree::serverName).filter(java.util.Objects::nonNull).toList();
        return addressesOf(targets);
    }

    private static Name serverName(Record r) {
        return switch (r.getType()) {
            case Type.NS, Type.MX, Type.SRV -> r.getAdditionalName();
            case Type.SOA -> ((SOARecord) r).getHost();
            default -> null;
        };
    }

    /** A and AAAA records we hold for these names (RFC 1035 §3.3.9, §3.3.11). */
    private List<Record> addressesOf(List<Name> targets) {
        List<Record> addresses = new ArrayList<>();
        Set<Name> done = new HashSet<>();
        for (Name target : targets) {
            if (!target.subdomain(origin) || !done.add(target)) {
                continue;
            }
            Map<Integer, List<Record>> rrsets = names.get(target);
            if (rrsets != null) {
                addresses.addAll(rrsets.getOrDefault(Type.A, List.of()));
                addresses.addAll(rrsets.getOrDefault(Type.AAAA, List.of()));
            }
        }
        return addresses;
    }

    private static List<Record> owned(List<Record> records, Name owner) {
        return records.stream().map(r -> r.getName().equals(owner) ? r : r.withName(owner)).toList();
    }
}
