package geodns.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The records after the question (RFC 1035 §4.1.3) and a TSIG (RFC 8945 §5.1): skipped, checked or noted. */
class QueryRecordsParsingTest extends QueryParsing {
    // --- TSIG (RFC 8945 §5.1: the last record of the additional section) ---

    private static byte[] signedQuery(Record... extraAdditional) {
        Message query = Message.newQuery(Record.newRecord(Name.fromConstantString("example.com."), Type.AXFR,
                DClass.IN));
        for (Record r : extraAdditional) {
            query.addRecord(r, Section.ADDITIONAL);
        }
        query.setTSIG(new org.xbill.DNS.TSIG(org.xbill.DNS.TSIG.HMAC_SHA256, Name.fromConstantString("k."),
                new byte[32]));
        return query.toWire(65535);
    }

    @Test
    void aTsigEndingTheQueryIsNotedWithWhereItStarts() throws Exception {
        byte[] packet = signedQuery();
        assertEquals(ParseResult.QUERY, parse(packet));
        assertTrue(q.hasTsig());
        int tsigLength = new Message(packet).getTSIG().toWire(Section.ADDITIONAL).length;
        assertEquals(packet.length - tsigLength, q.tsigStart());
    }

    @Test
    void aTsigBeforeAnotherAdditionalRecordIsFormerr() {
        byte[] signed = signedQuery();
        byte[] extra = new OPTRecord(1232, 0, 0).toWire(Section.ADDITIONAL);
        byte[] packet = Arrays.copyOf(signed, signed.length + extra.length);
        System.arraycopy(extra, 0, packet, signed.length, extra.length);
        packet[11]++;
        assertEquals(ParseResult.FORMERR, parse(packet));
    }

    @Test
    void anUnsignedQueryHasNoTsig() {
        assertEquals(ParseResult.QUERY, parse(wwwQuery(0)));
        assertFalse(q.hasTsig());
    }

    // --- records after the question ---

    @Test
    void answerRecordWithCompressedOwnerIsSkipped() {
        Packet p = Packet.header(0, 1, 1, 0, 1).question("www.example.com", A)
                .pointer(12).u16(A).u16(1).u32(300).u16(4).bytes(192, 0, 2, 1)
                .opt(4096);
        assertEquals(ParseResult.QUERY, parse(p));
        assertTrue(q.hasOpt(), "the OPT after the skipped record was found");
        assertEquals(4096, q.udpPayloadSize());
    }

    @Test
    void authorityRecordWithPartlyCompressedOwnerIsSkipped() {
        Packet p = Packet.header(0, 1, 0, 1, 1).question("www.example.com", A)
                .bytes(3, 'f', 'o', 'o').pointer(16).u16(Type.NS).u16(1).u32(300).u16(2).pointer(12)
                .opt(2048);
        assertEquals(ParseResult.QUERY, parse(p));
        assertEquals(2048, q.udpPayloadSize());
    }

    @Test
    void pointerLoopInAnswerIsSkippedWithoutFollowingIt() {
        Packet p = Packet.header(0, 1, 2, 0, 1).question("www.example.com", A);
        int first = p.size();
        // The first owner points at itself; the second is a label followed by a pointer back to that label.
        p.pointer(first).u16(A).u16(1).u32(0).u16(4).bytes(1, 2, 3, 4);
        int second = p.size();
        p.bytes(1, 'a').pointer(second).u16(A).u16(1).u32(0).u16(0);
        p.opt(1400);
        assertEquals(ParseResult.QUERY, parse(p));
        assertEquals(1400, q.udpPayloadSize(), "the OPT after the looping records was found");
    }

    @Test
    void forwardPointerInAuthorityIsSkippedWithoutFollowingIt() {
        Packet p = Packet.header(0, 1, 0, 2, 0).question("example.com", A);
        int start = p.size();
        // Points forward, at the second record's owner, and that one points past the end of the packet.
        p.pointer(start + 12).u16(Type.NS).u16(1).u32(0).u16(0);
        p.pointer(0x3fff).u16(Type.NS).u16(1).u32(0).u16(0);
        assertEquals(ParseResult.QUERY, parse(p));
    }

    @Test
    void pointerIntoTheHeaderInAdditionalIsSkipped() {
        Packet p = Packet.header(0, 1, 0, 0, 2).question("example.com", A)
                .pointer(0).u16(A).u16(1).u32(0).u16(0)
                .opt(512);
        assertEquals(ParseResult.QUERY, parse(p));
        assertTrue(q.hasOpt());
    }

    @Test
    void compressionPointerCutInHalfIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.header(0, 1, 1, 0, 0).question("example.com", A).u8(0xc0)));
    }

    @Test
    void recordWithoutFixedFieldsIsFormErr() {
        assertEquals(ParseResult.FORMERR,
                parse(Packet.header(0, 1, 1, 0, 0).question("example.com", A).pointer(12).u16(A).u16(1).u32(0)));
    }

    @Test
    void rdlengthPastTheEndInAnswerIsFormErr() {
        Packet p = Packet.header(0, 1, 1, 0, 0).question("example.com", A)
                .pointer(12).u16(A).u16(1).u32(300).u16(5).bytes(192, 0, 2, 1);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void rdlengthPastTheEndInAdditionalIsFormErr() {
        Packet p = Packet.header(0, 1, 0, 0, 1).question("example.com", A)
                .u8(0).u16(41).u16(4096).u32(0).u16(4).u16(10);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void answerCountLargerThanRecordsPresentIsFormErr() {
        Packet p = Packet.header(0, 1, 2, 0, 0).question("example.com", A)
                .pointer(12).u16(A).u16(1).u32(300).u16(4).bytes(192, 0, 2, 1);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void authorityCountLargerThanRecordsPresentIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.header(0, 1, 0, 1, 0).question("example.com", A)));
    }

    @Test
    void additionalCountLargerThanRecordsPresentIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(wwwQuery(2).opt(1232)));
    }

    @Test
    void maximumCountsWithNoRecordsIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.header(0, 1, 0xffff, 0xffff, 0xffff).question("a", A)));
    }

    @Test
    void bytesAfterTheLastCountedRecordAreIgnored() {
        assertEquals(ParseResult.QUERY, parse(wwwQuery(0).bytes(1, 2, 3)));
    }
}
