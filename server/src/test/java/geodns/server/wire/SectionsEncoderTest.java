package geodns.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Name compression in pre-encoded sections (RFC 1035 §4.1.4), proved by decoding the result with dnsjava. */
class SectionsEncoderTest {
    private static final int FULL = -1;

    private static Name name(String text) {
        return Name.fromConstantString(text);
    }

    private static Record a(String owner, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, 300, java.net.InetAddress.getByName(address));
    }

    private static Record ns(String owner, String target) {
        return new NSRecord(name(owner), DClass.IN, 3600, name(target));
    }

    private static Record soa(String origin) {
        return new SOARecord(name(origin), DClass.IN, 3600, name("ns1." + origin), name("admin." + origin),
                1, 7200, 900, 1209600, 300);
    }

    /** Header + question for {@code qname} + the sections, as a reply on the wire. */
    private static byte[] reply(String qname, Sections s) {
        byte[] head = Packet.header(0x8000 | s.flags(), 1, s.answerCount(), s.authorityCount(), s.additionalCount())
                .question(qname, Type.A).build();
        return Packet.concat(head, s.bytes());
    }

    /** For each record in the sections: the pointer its owner name ends with, or FULL when written in full. */
    private static List<Integer> ownerPointers(Sections s) {
        byte[] b = s.bytes();
        int count = s.answerCount() + s.authorityCount() + s.additionalCount();
        List<Integer> pointers = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < count; i++) {
            int pointer = FULL;
            while (true) {
                int len = b[at] & 0xff;
                if (len == 0) {
                    at++;
                    break;
                }
                if ((len & 0xc0) == 0xc0) {
                    pointer = Header.u16(b, at) & 0x3fff;
                    at += 2;
                    break;
                }
                at += 1 + len;
            }
            pointers.add(pointer);
            at += 10 + Header.u16(b, at + 8);
        }
        assertEquals(b.length, at, "the records fill the sections exactly");
        return pointers;
    }

    @Test
    void ownerEqualToTheQuestionIsPointer0xC00C() throws Exception {
        Sections s = SectionsEncoder.forName(name("www.example.com."))
                .encode(List.of(a("www.example.com.", "192.0.2.1")), List.of(), List.of(), Header.AA);
        assertEquals(0xc0, s.bytes()[0] & 0xff);
        assertEquals(0x0c, s.bytes()[1] & 0xff);
        assertEquals(2 + 10 + 4, s.bytes().length);

        Message m = new Message(reply("www.example.com", s));
        assertEquals(List.of(a("www.example.com.", "192.0.2.1")), m.getSection(Section.ANSWER));
        assertTrue(m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void ownerEqualToTheQuestionIsMatchedWhateverItsLetterCase() throws Exception {
        Sections s = SectionsEncoder.forName(name("WWW.Example.com."))
                .encode(List.of(a("www.example.COM.", "192.0.2.1")), List.of(), List.of(), 0);
        assertEquals(List.of(12), ownerPointers(s));
    }

    @Test
    void ownerThatIsASuffixOfTheQuestionPointsIntoTheQuestion() throws Exception {
        Sections s = SectionsEncoder.forName(name("www.example.com."))
                .encode(List.of(), List.of(soa("example.com.")), List.of(a("com.", "192.0.2.9")), 0);
        // www.example.com starts at 12: "example" at 12 + 4 = 16, "com" at 16 + 8 = 24.
        assertEquals(List.of(16, 24), ownerPointers(s));

        Message m = new Message(reply("www.example.com", s));
        assertEquals(List.of(soa("example.com.")), m.getSection(Section.AUTHORITY));
        assertEquals(List.of(a("com.", "192.0.2.9")), m.getSection(Section.ADDITIONAL));
    }

    @Test
    void ownerSharingASuffixWithTheQuestionWritesItsOwnLabelsThenPoints() throws Exception {
        Sections s = SectionsEncoder.forName(name("www.example.com."))
                .encode(List.of(a("mail.example.com.", "192.0.2.2")), List.of(), List.of(), 0);
        assertArrayEquals(new byte[] {4, 'm', 'a', 'i', 'l', (byte) 0xc0, 16}, java.util.Arrays.copyOf(s.bytes(), 7));
        assertEquals(List.of(a("mail.example.com.", "192.0.2.2")),
                new Message(reply("www.example.com", s)).getSection(Section.ANSWER));
    }

    @Test
    void secondOwnerEqualToAnEarlierOnePointsAtIt() throws Exception {
        Name question = name("example.com.");
        Sections s = SectionsEncoder.forName(question).encode(
                List.of(new MXRecord(question, DClass.IN, 300, 10, name("mail.example.com."))),
                List.of(),
                List.of(a("mail.example.com.", "192.0.2.2"), a("mail.example.com.", "192.0.2.3"),
                        a("x.mail.example.com.", "192.0.2.4")),
                0);
        // Question example.com: 12 + 13 + 4 = 29. MX: pointer, fixed fields, preference and full target = 32 bytes.
        int firstMail = 29 + 2 + 10 + 2 + 18;
        assertEquals(List.of(12, 12, firstMail, firstMail), ownerPointers(s));

        Message m = new Message(reply("example.com", s));
        assertEquals(List.of(a("mail.example.com.", "192.0.2.2"), a("mail.example.com.", "192.0.2.3"),
                a("x.mail.example.com.", "192.0.2.4")), m.getSection(Section.ADDITIONAL));
        assertEquals(new MXRecord(question, DClass.IN, 300, 10, name("mail.example.com.")),
                m.getSection(Section.ANSWER).get(0));
    }

    @Test
    void rdataNamesAreWrittenInFull() throws Exception {
        Name question = name("example.com.");
        Sections s = SectionsEncoder.forName(question)
                .encode(List.of(ns("example.com.", "example.com.")), List.of(), List.of(), 0);
        // Owner pointer (2) + type, class, ttl, rdlength (10) + the target in full (13).
        assertEquals(2 + 10 + 13, s.bytes().length);
        assertEquals(13, Header.u16(s.bytes(), 2 + 8));
    }

    @Test
    void countsAndFlagsAreKept() throws Exception {
        Sections s = SectionsEncoder.forName(name("a.example."))
                .encode(List.of(a("a.example.", "192.0.2.1"), a("a.example.", "192.0.2.2")),
                        List.of(ns("example.", "ns.example.")), List.of(), Header.AA | Header.NXDOMAIN);
        assertEquals(2, s.answerCount());
        assertEquals(1, s.authorityCount());
        assertEquals(0, s.additionalCount());
        assertEquals(Header.NXDOMAIN, s.rcode());
        assertTrue(s.authoritative());
    }

    @Test
    void forWildcardWritesOnly0xC00CForTheWildcardOwner() throws Exception {
        Name wildcard = name("*.example.com.");
        Sections s = SectionsEncoder.forWildcard(wildcard).encode(
                List.of(new MXRecord(wildcard, DClass.IN, 300, 10, name("mail.example.com."))),
                List.of(ns("example.com.", "ns1.example.com.")),
                List.of(a("mail.example.com.", "192.0.2.2"), a("mail.example.com.", "192.0.2.3")),
                0);
        assertEquals(List.of(12, FULL, FULL, FULL), ownerPointers(s));
    }

    @Test
    void forWildcardSectionsFitQueryNamesOfAnyLength() throws Exception {
        Name wildcard = name("*.example.com.");
        Sections s = SectionsEncoder.forWildcard(wildcard).encode(
                List.of(new TXTRecord(wildcard, DClass.IN, 300, "hello")),
                List.of(ns("example.com.", "ns1.example.com.")),
                List.of(a("ns1.example.com.", "192.0.2.53")),
                0);
        for (String qname : List.of("a.example.com", "longer-name.example.com", "x.y.z.example.com")) {
            Message m = new Message(reply(qname, s));
            Name owner = name(qname + ".");
            assertEquals(List.of(new TXTRecord(owner, DClass.IN, 300, "hello")), m.getSection(Section.ANSWER), qname);
            assertEquals(List.of(ns("example.com.", "ns1.example.com.")), m.getSection(Section.AUTHORITY), qname);
            assertEquals(List.of(a("ns1.example.com.", "192.0.2.53")), m.getSection(Section.ADDITIONAL), qname);
        }
    }

    @Test
    void standaloneNeverEmitsAPointer() throws Exception {
        Sections s = SectionsEncoder.standalone().encode(
                List.of(),
                List.of(soa("example.com."), ns("example.com.", "ns1.example.com.")),
                List.of(a("ns1.example.com.", "192.0.2.53"), a("ns1.example.com.", "192.0.2.54")),
                Header.AA | Header.NXDOMAIN);
        assertEquals(List.of(FULL, FULL, FULL, FULL), ownerPointers(s));
        for (String qname : List.of("nothing.example.com", "a.b.c.d.example.com")) {
            Message m = new Message(reply(qname, s));
            assertEquals(List.of(soa("example.com."), ns("example.com.", "ns1.example.com.")),
                    m.getSection(Section.AUTHORITY));
            assertEquals(2, m.getSection(Section.ADDITIONAL).size());
            assertEquals(3, m.getRcode());
        }
    }
}
