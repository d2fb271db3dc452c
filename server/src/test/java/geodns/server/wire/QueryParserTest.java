package geodns.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 1035 §4.1 input handling of the header and the question: what the parser accepts, rejects and ignores. */
class QueryParserTest extends QueryParsing {
    // --- header ---

    @Test
    void wellFormedQueryIsQuery() {
        assertEquals(ParseResult.QUERY, parse(Packet.header(0, 1, 0, 0, 0).question("www.example.com", AAAA)));
        assertEquals(0x1234, q.id());
        assertEquals(AAAA, q.qtype());
        assertEquals(DClass.IN, q.qclass());
        assertFalse(q.hasOpt());
        assertFalse(q.hasClientSubnet());
        assertEquals(Header.LENGTH + 17 + 4, q.questionEnd);
        assertEquals(17 + 4, q.questionLength());
    }

    @Test
    void queryWrittenByDnsjavaIsQuery() throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("Www.Example.COM."), Type.MX, DClass.IN));
        m.getHeader().setID(4711);
        assertEquals(ParseResult.QUERY, parse(m.toWire()));
        assertEquals(4711, q.id());
        assertEquals(Type.MX, q.qtype());
        assertEquals(DClass.IN, q.qclass());
        assertArrayEquals(Name.fromString("www.example.com.").toWire(), Arrays.copyOf(q.name(), q.nameLength()));
    }

    @Test
    void queryWithOptWrittenByDnsjavaIsQuery() throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.SOA, DClass.IN));
        m.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
        assertEquals(ParseResult.QUERY, parse(m.toWire()));
        assertTrue(q.hasOpt());
        assertEquals(4096, q.udpPayloadSize());
        assertTrue(q.dnssecOk);
    }

    @Test
    void packetShorterThanHeaderIsDropped() {
        byte[] full = wwwQuery(0).build();
        for (int length = 0; length < Header.LENGTH; length++) {
            assertEquals(ParseResult.DROP, QueryParser.parse(full, length, q), "length " + length);
        }
    }

    @Test
    void headerWithoutQuestionBytesIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0)));
    }

    @Test
    void responseIsDropped() {
        assertEquals(ParseResult.DROP, parse(Packet.header(0x8000, 1, 0, 0, 0).question("www.example.com", A)));
    }

    @Test
    void responseWithUnknownOpcodeIsStillDropped() {
        assertEquals(ParseResult.DROP, parse(Packet.header(0x8000 | (5 << 11), 1, 0, 0, 0).question("a", A)));
    }

    @Test
    void nonZeroOpcodeIsNotImp() {
        for (int opcode : new int[] {Opcode.IQUERY, Opcode.STATUS, Opcode.NOTIFY, Opcode.UPDATE, 15}) {
            byte[] packet = Packet.header(opcode << 11, 1, 0, 0, 0).question("www.example.com", A).build();
            assertEquals(ParseResult.NOTIMP, parse(packet), "opcode " + opcode);
        }
    }

    @Test
    void noQuestionIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.header(0, 0, 0, 0, 0)));
    }

    @Test
    void twoQuestionsIsFormErr() {
        assertEquals(ParseResult.FORMERR,
                parse(Packet.header(0, 2, 0, 0, 0).question("a.example", A).question("b.example", A)));
    }

    // --- question name ---

    @Test
    void labelOf63BytesIsAccepted() {
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).name("x".repeat(63) + ".com").u16(A).u16(1)));
        assertEquals(63 + 1 + 3 + 1 + 1, q.nameLength());
    }

    @Test
    void labelLongerThan63IsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).name("x".repeat(64) + ".com").u16(A).u16(1)));
    }

    @Test
    void extendedLabelTypeInQuestionIsFormErr() {
        // 0x41 is the obsolete binary label type (RFC 6891 §5): not a length.
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).bytes(0x41, 0x01, 0x00, 0x00).u16(A).u16(1)));
    }

    @Test
    void nameOf255BytesIsAccepted() {
        String name = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).question(name, A)));
        assertEquals(255, q.nameLength());
        assertEquals(4, q.labelCount());
    }

    @Test
    void nameLongerThan255BytesIsFormErr() {
        String name = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(62));
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).question(name, A)));
    }

    @Test
    void nameOf127SingleLetterLabelsIsAccepted() {
        String name = String.join(".", java.util.Collections.nCopies(127, "x"));
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).question(name, A)));
        assertEquals(127, q.labelCount());
        assertEquals(255, q.nameLength());
    }

    @Test
    void nameOf128SingleLetterLabelsIsFormErr() {
        String name = String.join(".", java.util.Collections.nCopies(128, "x"));
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).question(name, A)));
    }

    @Test
    void questionWithCompressionPointerIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).bytes(3, 'w', 'w', 'w').pointer(12).u16(A).u16(1)));
    }

    @Test
    void questionThatIsOnlyACompressionPointerIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).pointer(12).u16(A).u16(1)));
    }

    @Test
    void questionNameRunningPastTheEndIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).bytes(3, 'w', 'w', 'w', 7, 'e', 'x')));
    }

    @Test
    void questionNameWithoutRootLabelIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).bytes(3, 'w', 'w', 'w')));
    }

    @Test
    void questionWithoutTypeIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).name("www.example.com")));
    }

    @Test
    void questionWithTypeButNoClassIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).name("www.example.com").u16(A)));
    }

    @Test
    void questionWithHalfAClassIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.query(0).name("www.example.com").u16(A).u8(0)));
    }

    @Test
    void nameIsLowerCasedWithLabelStarts() {
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).question("WwW.ExAmple.COM", A)));
        byte[] expected = {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
        assertArrayEquals(expected, Arrays.copyOf(q.name(), q.nameLength()));
        assertEquals(3, q.labelCount());
        assertEquals(0, q.labelStart(0));
        assertEquals(4, q.labelStart(1));
        assertEquals(12, q.labelStart(2));
        assertEquals(16, q.labelStart(3), "dropping every label leaves the root");
    }

    @Test
    void onlyAsciiLettersAreLowerCased() {
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).bytes(4, 'A', '@', '[', 0xC9, 0).u16(A).u16(1)));
        assertArrayEquals(new byte[] {4, 'a', '@', '[', (byte) 0xC9, 0}, Arrays.copyOf(q.name(), q.nameLength()));
    }

    @Test
    void rootNameHasNoLabels() {
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).question(".", Type.NS)));
        assertEquals(0, q.labelCount());
        assertEquals(1, q.nameLength());
        assertEquals(0, q.labelStart(0));
    }

    @Test
    void classIsReadAsIs() {
        assertEquals(ParseResult.QUERY, parse(Packet.query(0).name("version.bind").u16(Type.TXT).u16(DClass.CH)));
        assertEquals(DClass.CH, q.qclass());
    }
}
