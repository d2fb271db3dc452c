package geodns.server.dnssec;

import geodns.server.wire.Query;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A zone's NSEC chain (RFC 4034 §4, RFC 4035 §2.3), signed when the snapshot is built: one NSEC for every name
 * that holds data or is a delegation, in canonical order, the last pointing back at the apex. Empty non-terminals
 * have none: the NSEC before them covers them. Finding the NSEC that covers a query name is a binary search over
 * the chain's names in wire form, without allocating; the NSECs and their RRSIGs are encoded once.
 */
public final class NsecChain {
    private final Name[] names;
    private final NSECRecord[] nsecs;
    /** Each NSEC and its RRSIGs, as records and as authority records written in full. */
    private final List<List<Record>> signed;
    private final Sections[] encoded;
    /** Each name in wire form, lower-cased, and where its labels start (root label not counted). */
    private final byte[][] wires;
    private final int[][] starts;

    private NsecChain(Name[] names, NSECRecord[] nsecs, List<List<Record>> signed) {
        this.names = names;
        this.nsecs = nsecs;
        this.signed = signed;
        this.encoded = new Sections[names.length];
        this.wires = new byte[names.length][];
        this.starts = new int[names.length][];
        for (int i = 0; i < names.length; i++) {
            List<Record> records = signed.get(i);
            encoded[i] = SectionsEncoder.standalone().encode(List.of(), records, List.of(), 0);
            wires[i] = names[i].canonicalize().toWire();
            starts[i] = labelStarts(wires[i]);
        }
    }

    /**
     * @param types the names of the chain (under {@code apex}, which must be among them) and the types each holds;
     *              NSEC and RRSIG are added to every bitmap
     * @param ttl   the NSEC TTL: the SOA's negative TTL (RFC 4035 §2.3, RFC 9077)
     */
    public static NsecChain build(Name apex, Map<Name, Set<Integer>> types, long ttl, ZoneKeys keys,
                                  Signatures signatures) {
        SortedMap<Name, Set<Integer>> sorted = new TreeMap<>(types);
        if (!sorted.firstKey().equals(apex)) {
            throw new IllegalArgumentException("chain of " + apex + " starts at " + sorted.firstKey());
        }
        Name[] names = sorted.keySet().toArray(Name[]::new);
        NSECRecord[] nsecs = new NSECRecord[names.length];
        List<List<Record>> signed = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            int[] bitmap = sorted.get(names[i]).stream().mapToInt(Integer::intValue).toArray();
            bitmap = Arrays.copyOf(bitmap, bitmap.length + 2);
            bitmap[bitmap.length - 2] = Type.NSEC;
            bitmap[bitmap.length - 1] = Type.RRSIG;
            nsecs[i] = new NSECRecord(names[i], DClass.IN, ttl, names[(i + 1) % names.length], bitmap);
        }
        signatures.signAhead(keys, Arrays.stream(nsecs).map(n -> List.<Record>of(n)).toList());
        for (int i = 0; i < names.length; i++) {
            List<Record> records = new ArrayList<>();
            records.add(nsecs[i]);
            records.addAll(signatures.sign(keys, List.of(nsecs[i])));
            signed.add(List.copyOf(records));
        }
        return new NsecChain(names, nsecs, signed);
    }

    public int size() {
        return names.length;
    }

    /** The index of {@code name}'s own NSEC, or -1 when it has none. */
    public int indexOf(Name name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? i : -1;
    }

    /** The NSEC at or before {@code name} in canonical order: its own, or the one that covers it. */
    public int floor(Name name) {
        int i = Arrays.binarySearch(names, name);
        return i >= 0 ? i : Math.max(0, -i - 2);
    }

    /** The first index after {@code name} and every name below it. */
    public int subtreeEnd(Name name) {
        int i = floor(name);
        while (i + 1 < names.length && names[i + 1].subdomain(name)) {
            i++;
        }
        return i + 1;
    }

    /** The NSEC and its RRSIGs at {@code index}. */
    public List<Record> records(int index) {
        return signed.get(index);
    }

    public NSECRecord nsec(int index) {
        return nsecs[index];
    }

    Sections encoded(int index) {
        return encoded[index];
    }

    /** What proves {@code name} does not exist, for a name that does not: the NSEC that covers it. */
    public List<Record> covering(Name name) {
        return records(floor(name));
    }

    /**
     * The NSEC that covers the query's name, found among indexes {@code [from, to)}: the query name is known to
     * sort after {@code from}'s name and before {@code to}'s (the closest encloser's subtree).
     */
    int covering(Query q, int from, int to) {
        int low = from;
        int high = to - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (compare(q, mid) > 0) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** The query name against name {@code index} in canonical order (RFC 4034 §6.1): labels from the right. */
    private int compare(Query q, int index) {
        byte[] a = q.name();
        byte[] b = wires[index];
        int[] bStarts = starts[index];
        int ai = q.labelCount() - 1;
        int bi = bStarts.length - 1;
        for (; ai >= 0 && bi >= 0; ai--, bi--) {
            int at = q.labelStart(ai);
            int bt = bStarts[bi];
            int la = a[at] & 0xff;
            int lb = b[bt] & 0xff;
            int n = Math.min(la, lb);
            for (int k = 1; k <= n; k++) {
                int d = (a[at + k] & 0xff) - (b[bt + k] & 0xff);
                if (d != 0) {
                    return d;
                }
            }
            if (la != lb) {
                return la - lb;
            }
        }
        return (ai + 1) - (bi + 1);
    }

    private static int[] labelStarts(byte[] wire) {
        List<Integer> starts = new ArrayList<>();
        for (int at = 0; wire[at] != 0; at += (wire[at] & 0xff) + 1) {
            starts.add(at);
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * What a node answers below itself with, for a closest encloser {@code encloser} that exists in the zone:
     * the range of the chain its non-existent descendants fall in, and the NSEC that matches or covers its
     * wildcard.
     */
    public Denial denialBelow(Name encloser) {
        int wildcard;
        try {
            wildcard = floor(Name.concatenate(Name.fromConstantString("*"), encloser));
        } catch (org.xbill.DNS.NameTooLongException e) {
            wildcard = floor(encloser);
        }
        return new Denial(this, floor(encloser), subtreeEnd(encloser), wildcard);
    }
}
