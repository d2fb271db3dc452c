package geodns.server.wire;

import static geodns.server.testing.Packet.clientSubnet;
import static geodns.server.testing.Packet.concat;
import static geodns.server.testing.Packet.option;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 1035 §4.1 and RFC 6891/7871 input handling: what the parser accepts, rejects and ignores. */
class QueryParserTest {
    private static final int A = 1;
    private static final int AAAA = 28;

    private final Query q = new Query();

    private ParseResult parse(byte[] packet) {
        return QueryParser.parse(packet, packet.length, q);
    }

    private ParseResult parse(Packet packet) {
        return parse(packet.build());
    }

    /** A query for www.example.com A with RD set and {@code ar} additional records still to be appended. */
    private static Packet wwwQuery(int ar) {
        return Packet.query(ar).question("www.example.com", A);
    }

    private static byte[] ecsQuery(byte[] ecsOption) {
        return wwwQuery(1).opt(1232, 0, false, ecsOption).build();
    }

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

    // --- EDNS (RFC 6891) ---

    @Test
    void optPayloadSizeVersionAndDnssecOkAreRead() {
        assertEquals(ParseResult.QUERY, parse(wwwQuery(1).opt(4096, 0, true, new byte[0])));
        assertTrue(q.hasOpt());
        assertEquals(4096, q.udpPayloadSize());
        assertEquals(0, q.ednsVersion);
        assertTrue(q.dnssecOk);
    }

    @Test
    void optWithoutDnssecOkIsRead() {
        assertEquals(ParseResult.QUERY, parse(wwwQuery(1).opt(65535, 0, false, new byte[0])));
        assertEquals(65535, q.udpPayloadSize());
        assertFalse(q.dnssecOk);
    }

    @Test
    void ednsVersion1IsBadVers() {
        assertEquals(ParseResult.BADVERS, parse(wwwQuery(1).opt(1232, 1, false, new byte[0])));
        assertTrue(q.hasOpt());
        assertEquals(1, q.ednsVersion);
    }

    @Test
    void ednsVersion255IsBadVers() {
        assertEquals(ParseResult.BADVERS, parse(wwwQuery(1).opt(1232, 255, false, new byte[0])));
    }

    @Test
    void twoOptRecordsIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(wwwQuery(2).opt(1232).opt(1232)));
    }

    @Test
    void optInTheAuthoritySectionBesideOneInAdditionalIsFormErr() {
        // RFC 6891 §6.1.1: more than one OPT RR in the message, wherever the other one is.
        Packet p = Packet.header(0x0100, 1, 0, 1, 1).question("www.example.com", A).opt(1232).opt(1232);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void optInTheAnswerSectionIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(Packet.header(0x0100, 1, 1, 0, 0).question("www.example.com", A)
                .opt(1232)));
    }

    @Test
    void optionOf65000BytesInAnOptThatFitsTheMessageIsSkipped() {
        byte[] huge = option(65001, new byte[65000]);
        byte[] packet = wwwQuery(1).opt(4096, 0, false, huge).build();
        assertTrue(packet.length <= 65535, "fits a TCP message");
        assertEquals(ParseResult.QUERY, parse(packet));
        assertEquals(4096, q.udpPayloadSize());
    }

    @Test
    void optionLongerThanItsOptRecordIsFormErrEvenWhenThePacketHasTheBytes() {
        byte[] option = new Packet().u16(65001).u16(60000).bytes(new byte[10]).build();
        byte[] packet = concat(wwwQuery(1).opt(1232, 0, false, option).build(), new byte[60000]);
        assertEquals(ParseResult.FORMERR, parse(packet));
    }

    @Test
    void optWithNonRootOwnerIsFormErr() {
        Packet p = wwwQuery(1).name("example.com").u16(41).u16(1232).u32(0).u16(0);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void optWithCompressedOwnerIsFormErr() {
        Packet p = wwwQuery(1).pointer(12).u16(41).u16(1232).u32(0).u16(0);
        assertEquals(ParseResult.FORMERR, parse(p));
    }

    @Test
    void otherAdditionalRecordsBesideOptAreSkipped() {
        Packet p = wwwQuery(3)
                .name("example.com").u16(A).u16(1).u32(60).u16(4).bytes(192, 0, 2, 1)
                .opt(1400)
                .pointer(12).u16(Type.TXT).u16(1).u32(60).u16(2).bytes(1, 'x');
        assertEquals(ParseResult.QUERY, parse(p));
        assertEquals(1400, q.udpPayloadSize());
    }

    @Test
    void unknownEdnsOptionIsIgnored() {
        byte[] options = concat(option(65001, new byte[] {1, 2, 3}), option(10, new byte[8]), option(12, new byte[0]));
        assertEquals(ParseResult.QUERY, parse(wwwQuery(1).opt(1232, 0, false, options)));
        assertTrue(q.hasOpt());
        assertFalse(q.hasClientSubnet());
    }

    @Test
    void unknownEdnsFlagsAreIgnored() {
        byte[] packet = wwwQuery(1).u8(0).u16(41).u16(1232).u8(0).u8(0).u16(0x7fff).u16(0).build();
        assertEquals(ParseResult.QUERY, parse(packet));
        assertFalse(q.dnssecOk);
    }

    @Test
    void optionLengthPastRdataIsFormErr() {
        byte[] option = new Packet().u16(65001).u16(4).bytes(1, 2, 3).build();
        // The option claims 4 bytes, the OPT rdata holds 3 of them; the packet has more bytes after it.
        byte[] packet = concat(wwwQuery(1).opt(1232, 0, false, option).build(), new byte[] {9});
        assertEquals(ParseResult.FORMERR, parse(packet));
    }

    @Test
    void optionHeaderCutShortIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(wwwQuery(1).opt(1232, 0, false, new byte[] {0, 8, 0})));
    }

    @Test
    void payloadSizeBelow512IsReadAsSent() {
        assertEquals(ParseResult.QUERY, parse(wwwQuery(1).opt(100)));
        assertEquals(100, q.udpPayloadSize());
    }

    // --- EDNS Client Subnet (RFC 7871) ---

    @Test
    void clientSubnetIpv4Slash24IsRead() {
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 24, 0, 192, 0, 2))));
        assertTrue(q.hasClientSubnet());
        assertEquals(1, q.ecsFamily());
        assertEquals(24, q.ecsSourcePrefix());
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 0}, Arrays.copyOf(q.ecsAddress(), 4));
    }

    @Test
    void clientSubnetIpv6Slash56IsRead() {
        assertEquals(ParseResult.QUERY,
                parse(ecsQuery(clientSubnet(2, 56, 0, 0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56))));
        assertTrue(q.hasClientSubnet());
        assertEquals(2, q.ecsFamily());
        assertEquals(56, q.ecsSourcePrefix());
        byte[] expected = new byte[16];
        System.arraycopy(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0x12, 0x34, 0x56}, 0, expected, 0, 7);
        assertArrayEquals(expected, q.ecsAddress());
    }

    @Test
    void clientSubnetWrittenByDnsjavaIsRead() throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("app.example.com."), Type.A, DClass.IN));
        List<EDNSOption> options = List.of(new ClientSubnetOption(20, InetAddress.getByName("198.51.96.0")));
        m.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        assertEquals(ParseResult.QUERY, parse(m.toWire()));
        assertEquals(1, q.ecsFamily());
        assertEquals(20, q.ecsSourcePrefix());
        assertArrayEquals(new byte[] {(byte) 198, 51, 96, 0}, Arrays.copyOf(q.ecsAddress(), 4));
    }

    @Test
    void clientSubnetWithNonByteAlignedPrefixAndCleanBitsIsRead() {
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 20, 0, 10, 1, 0x10))));
        assertEquals(20, q.ecsSourcePrefix());
    }

    @Test
    void clientSubnetAddressLongerThanPrefixNeedsIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(1, 24, 0, 192, 0, 2, 0))));
    }

    @Test
    void clientSubnetAddressShorterThanPrefixNeedsIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(1, 24, 0, 192, 0))));
    }

    @Test
    void clientSubnetWithBitsSetBeyondPrefixIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(1, 20, 0, 10, 1, 0x11))));
    }

    @Test
    void clientSubnetIpv6WithBitsSetBeyondPrefixIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(2, 57, 0, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0xc0))));
    }

    @Test
    void clientSubnetWithUnknownFamilyIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(3, 0, 0))));
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(0, 8, 0, 10))));
    }

    @Test
    void clientSubnetIpv4PrefixLongerThan32IsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(1, 33, 0, 192, 0, 2, 1, 0))));
    }

    @Test
    void clientSubnetIpv4Slash32IsRead() {
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 32, 0, 192, 0, 2, 1))));
        assertArrayEquals(new byte[] {(byte) 192, 0, 2, 1}, Arrays.copyOf(q.ecsAddress(), 4));
    }

    @Test
    void clientSubnetIpv6PrefixLongerThan128IsFormErr() {
        int[] address = new int[17];
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(2, 129, 0, address))));
    }

    @Test
    void clientSubnetSourcePrefixZeroWithoutAddressIsAccepted() {
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 0, 0))));
        assertTrue(q.hasClientSubnet());
        assertEquals(1, q.ecsFamily());
        assertEquals(0, q.ecsSourcePrefix());
        assertArrayEquals(new byte[16], q.ecsAddress());
    }

    @Test
    void clientSubnetShorterThanItsFixedFieldsIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(option(8, new byte[] {0, 1, 0}))));
    }

    @Test
    void clientSubnetWithAScopeInTheQueryIsReadAndTheScopeIgnored() {
        // RFC 7871 §6: SCOPE PREFIX-LENGTH MUST be 0 in queries, but §7.1.1 lists no FORMERR for it; the reply
        // carries our own scope, never the client's.
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 24, 24, 192, 0, 2))));
        assertTrue(q.hasClientSubnet());
        assertEquals(24, q.ecsSourcePrefix());
        assertEquals(0, q.replyScope());
    }

    @Test
    void clientSubnetWithFamilyZeroIsFormErr() {
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(clientSubnet(0, 0, 0))));
    }

    @Test
    void twoClientSubnetOptionsIsFormErr() {
        byte[] two = concat(clientSubnet(1, 24, 0, 192, 0, 2), clientSubnet(1, 24, 0, 192, 0, 3));
        assertEquals(ParseResult.FORMERR, parse(ecsQuery(two)));
    }

    @Test
    void clientSubnetAddressBytesOfAnEarlierQueryDoNotLinger() {
        parse(ecsQuery(clientSubnet(2, 64, 0, 0x20, 1, 0xd, 0xb8, 1, 2, 3, 4)));
        assertEquals(ParseResult.QUERY, parse(ecsQuery(clientSubnet(1, 8, 0, 10))));
        byte[] expected = new byte[16];
        expected[0] = 10;
        assertArrayEquals(expected, q.ecsAddress());
    }

    @Test
    void parsedStateOfAnEarlierQueryDoesNotLinger() {
        parse(ecsQuery(clientSubnet(1, 24, 0, 192, 0, 2)));
        assertTrue(q.hasOpt());
        assertEquals(ParseResult.QUERY, parse(Packet.header(0, 1, 0, 0, 0).question("a.b", Type.TXT)));
        assertFalse(q.hasOpt());
        assertFalse(q.hasClientSubnet());
        assertEquals(2, q.labelCount());
        assertEquals(5, q.nameLength());
        assertEquals(Type.TXT, q.qtype());
    }
}
