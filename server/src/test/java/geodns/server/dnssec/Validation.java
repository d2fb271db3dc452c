package geodns.server.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** What a validating resolver checks in one reply, done with dnsjava's DNSSEC.verify and plain NSEC logic. */
public final class Validation {
    private Validation() {}

    /**
     * Every RRset of the answer and authority sections (but a referral's NS set) has an RRSIG by each of
     * {@code keys} that verifies; returns the RRsets checked, by "owner type".
     */
    public static List<String> verifyAll(Message reply, List<DNSKEYRecord> keys) {
        List<String> checked = new ArrayList<>();
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            Map<String, RRset> rrsets = new LinkedHashMap<>();
            List<RRSIGRecord> sigs = new ArrayList<>();
            for (Record r : reply.getSection(section)) {
                if (r instanceof RRSIGRecord sig) {
                    sigs.add(sig);
                } else {
                    rrsets.computeIfAbsent(r.getName() + " " + Type.string(r.getType()), k -> new RRset())
                            .addRR(r);
                }
            }
            for (Map.Entry<String, RRset> e : rrsets.entrySet()) {
                RRset rrset = e.getValue();
                boolean referralNs = section == Section.AUTHORITY && rrset.getType() == Type.NS
                        && !reply.getHeader().getFlag(org.xbill.DNS.Flags.AA);
                if (referralNs) {
                    assertTrue(sigs.stream().noneMatch(s -> s.getTypeCovered() == Type.NS),
                            "a delegation's NS set is not signed");
                    continue;
                }
                for (DNSKEYRecord key : keys) {
                    RRSIGRecord sig = sigs.stream().filter(s -> s.getTypeCovered() == rrset.getType()
                            && s.getName().equals(rrset.getName()) && s.getFootprint() == key.getFootprint())
                            .findFirst().orElse(null);
                    if (sig == null) {
                        fail("no RRSIG by key " + key.getFootprint() + " for " + e.getKey() + " in\n" + reply);
                    }
                    try {
                        DNSSEC.verify(rrset, sig, key, Instant.now());
                    } catch (DNSSEC.DNSSECException ex) {
                        fail(e.getKey() + " does not verify: " + ex.getMessage() + " in\n" + reply);
                    }
                }
                checked.add(e.getKey());
            }
        }
        return checked;
    }

    public static List<NSECRecord> nsecs(Message reply) {
        return reply.getSection(Section.AUTHORITY).stream().filter(r -> r instanceof NSECRecord)
                .map(r -> (NSECRecord) r).toList();
    }

    /** True when {@code nsec} proves {@code name} does not exist (RFC 4034 §6.1 order; the last wraps). */
    public static boolean covers(NSECRecord nsec, Name name) {
        Name owner = nsec.getName();
        Name next = nsec.getNext();
        if (owner.compareTo(next) < 0) {
            return owner.compareTo(name) < 0 && name.compareTo(next) < 0;
        }
        return owner.compareTo(name) < 0 || name.compareTo(next) < 0;  // the last NSEC, back to the apex
    }

    public static void assertCovered(Message reply, String name) {
        Name n = Name.fromConstantString(name);
        assertTrue(nsecs(reply).stream().anyMatch(x -> covers(x, n)), name + " is not covered in\n" + reply);
    }

    /** The reply has the NSEC of {@code name} itself, and it does not list {@code type}. */
    public static void assertNoType(Message reply, String name, int type) {
        Name n = Name.fromConstantString(name);
        NSECRecord own = nsecs(reply).stream().filter(x -> x.getName().equals(n)).findFirst()
                .orElseThrow(() -> new AssertionError("no NSEC of " + name + " in\n" + reply));
        assertFalse(own.hasType(type), name + "'s NSEC lists " + Type.string(type));
        assertFalse(own.hasType(Type.CNAME), name + "'s NSEC lists CNAME");
    }

    public static void assertSignatureCount(Message reply, int expected) {
        long count = reply.getSection(Section.ANSWER).stream().filter(r -> r.getType() == Type.RRSIG).count()
                + reply.getSection(Section.AUTHORITY).stream().filter(r -> r.getType() == Type.RRSIG).count();
        assertEquals(expected, count, reply.toString());
    }
}
