package geodns.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;

/** Records to compare with and the parts of a reply, in dnsjava's terms. */
public final class Replies {
    private Replies() {
    }

    public static Name name(String text) {
        return Name.fromConstantString(text.endsWith(".") ? text : text + ".");
    }

    public static Record a(String owner, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, 3600, InetAddress.getByName(address));
    }

    public static Record aaaa(String owner, String address) throws Exception {
        return new AAAARecord(name(owner), DClass.IN, 3600, InetAddress.getByName(address));
    }

    public static Record cname(String owner, String target) {
        return new CNAMERecord(name(owner), DClass.IN, 3600, name(target));
    }

    public static List<Record> answer(Message m) {
        return m.getSection(Section.ANSWER);
    }

    public static List<Record> authority(Message m) {
        return m.getSection(Section.AUTHORITY);
    }

    public static List<Record> additional(Message m) {
        return m.getSection(Section.ADDITIONAL);
    }

    public static boolean aa(Message m) {
        return m.getHeader().getFlag(Flags.AA);
    }

    /** The authority section of a negative answer: the zone's SOA alone, with the RFC 2308 TTL. */
    public static void assertNegativeSoa(Message m, String zone, long ttl) {
        List<Record> authority = authority(m);
        assertEquals(1, authority.size(), () -> "authority: " + authority);
        SOARecord soa = (SOARecord) authority.get(0);
        assertEquals(name(zone), soa.getName());
        assertEquals(ttl, soa.getTTL());
    }
}
