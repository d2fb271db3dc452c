package geodns.server.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Reply headers, the echoed question, OPT and truncation (RFC 1035 §4.1.1, RFC 6891, RFC 2181 §9). */
class RepliesTest {
    private static final int CAP = 1232;
    private final Query q = new Query();
    private final byte[] out = new byte[65535];

    private void parse(Packet packet) {
        byte[] bytes = packet.build();
        ParseResult result = QueryParser.parse(bytes, bytes.length, q);
        assertTrue(result != ParseResult.DROP, "test packet must get a reply");
    }

    private static Sections oneAddress(String owner) throws Exception {
        Name name = Name.fromString(owner);
        return SectionsEncoder.forName(name).encode(
                List.of(new ARecord(name, DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.1"))),
                List.of(), List.of(), Header.AA);
    }

    /** Sections of {@code size} bytes of TXT data at {@code owner}. */
    private static Sections bigTxt(String owner, int strings) throws Exception {
        Name name = Name.fromString(owner);
        List<String> texts = Collections.nCopies(strings, "x".repeat(200));
        return SectionsEncoder.forName(name).encode(
                List.of(new TXTRecord(name, DClass.IN, 60, texts)), List.of(),
                List.of(new ARecord(name, DClass.IN, 60, java.net.InetAddress.getByName("192.0.2.1"))), Header.AA);
    }

    private Message answer(Sections sections, int limit) throws Exception {
        int length = Replies.answer(q, sections, limit, CAP, out);
        assertTrue(length <= limit, "reply of " + length + " bytes is over the limit " + limit);
        return new Message(Arrays.copyOf(out, length));
    }

    private Message error(int rcode) throws Exception {
        int length = Replies.error(q, rcode, CAP, out);
        return new Message(Arrays.copyOf(out, length));
    }

    @Test
    void answerIsAResponseWithTheQueryId() throws Exception {
        parse(Packet.query(0).question("www.example.com", Type.A));
        Message m = answer(oneAddress("www.example.com."), 512);
        assertEquals(0x1234, m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertEquals(Opcode.QUERY, m.getHeader().getOpcode());
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(1, m.getSection(Section.ANSWER).size());
    }

    @Test
    void answerEchoesRdAndCdAndNeverSetsRa() throws Exception {
        parse(Packet.header(Header.RD | Header.CD, 1, 0, 0, 0).question("www.example.com", Type.A));
        Message m = answer(oneAddress("www.example.com."), 512);
        assertTrue(m.getHeader().getFlag(Flags.RD));
        assertTrue(m.getHeader().getFlag(Flags.CD));
        assertFalse(m.getHeader().getFlag(Flags.RA));
    }

    @Test
    void answerWithoutRdHasNoRd() throws Exception {
        parse(Packet.header(0, 1, 0, 0, 0).question("www.example.com", Type.A));
        Message m = answer(oneAddress("www.example.com."), 512);
        assertFalse(m.getHeader().getFlag(Flags.RD));
        assertFalse(m.getHeader().getFlag(Flags.CD));
        assertFalse(m.getHeader().getFlag(Flags.RA));
    }

    @Test
    void queryFlagsOtherThanRdAndCdAreNotEchoed() throws Exception {
        // RA, Z, AD and TC set in a query mean nothing to us.
        parse(Packet.header(Header.RD | 0x0080 | 0x0040 | 0x0020 | Header.TC, 1, 0, 0, 0).question("a.b", Type.A));
        int length = Replies.answer(q, Sections.empty(Header.AA), 512, CAP, out);
        assertEquals(Header.QR | Header.AA | Header.RD, Header.u16(out, 2));
        assertEquals(Header.LENGTH + 5 + 4, length);
    }

    @Test
    void questionIsCopiedWithItsOriginalLetterCase() throws Exception {
        byte[] question = new Packet().question("WwW.ExAmPlE.CoM", Type.A).build();
        parse(Packet.query(0).bytes(question));
        int length = Replies.answer(q, oneAddress("www.example.com."), 512, CAP, out);
        assertArrayEquals(question, Arrays.copyOfRange(out, Header.LENGTH, Header.LENGTH + question.length));
        Message m = new Message(Arrays.copyOf(out, length));
        assertEquals("WwW.ExAmPlE.CoM.", m.getQuestion().getName().toString());
        assertEquals("WwW.ExAmPlE.CoM.", m.getSection(Section.ANSWER).get(0).getName().toString(),
                "the answer's owner points at the question");
    }

    @Test
    void replyOverTheLimitHasTcAndNoSections() throws Exception {
        parse(Packet.query(0).question("big.example.com", Type.TXT));
        Message m = answer(bigTxt("big.example.com.", 3), 512);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertTrue(m.getHeader().getFlag(Flags.AA));
        assertEquals(1, m.getHeader().getCount(Section.QUESTION));
        assertEquals(0, m.getHeader().getCount(Section.ANSWER));
        assertEquals(0, m.getHeader().getCount(Section.AUTHORITY));
        assertEquals(0, m.getHeader().getCount(Section.ADDITIONAL));
        assertNull(m.getOPT());
    }

    @Test
    void truncatedReplyStillCarriesOpt() throws Exception {
        parse(Packet.query(1).question("big.example.com", Type.TXT).opt(4096));
        Message m = answer(bigTxt("big.example.com.", 3), 512);
        assertTrue(m.getHeader().getFlag(Flags.TC));
        assertEquals(0, m.getHeader().getCount(Section.ANSWER));
        assertEquals(1, m.getHeader().getCount(Section.ADDITIONAL));
        assertNotNull(m.getOPT());
    }

    @Test
    void replyThatFitsExactlyIsNotTruncated() throws Exception {
        parse(Packet.query(0).question("big.example.com", Type.TXT));
        Sections sections = bigTxt("big.example.com.", 3);
        int exact = Header.LENGTH + q.questionLength() + sections.bytes().length;
        Message m = answer(sections, exact);
        assertFalse(m.getHeader().getFlag(Flags.TC));
        assertEquals(1, m.getSection(Section.ANSWER).size());
        assertEquals(1, m.getSection(Section.ADDITIONAL).size());

        assertTrue(answer(sections, exact - 1).getHeader().getFlag(Flags.TC));
    }

    @Test
    void optIsAppendedWhenTheQueryHadOne() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(4096));
        Message m = answer(oneAddress("www.example.com."), 4096);
        OPTRecord opt = m.getOPT();
        assertNotNull(opt);
        assertEquals(CAP, opt.getPayloadSize(), "we advertise our own cap, not the client's size");
        assertEquals(0, opt.getVersion());
        assertEquals(0, opt.getExtendedRcode());
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertEquals(List.of(), opt.getOptions());
        assertFalse((opt.getFlags() & ExtendedFlags.DO) != 0);
        assertEquals(1, m.getHeader().getCount(Section.ADDITIONAL));
    }

    @Test
    void optIsNotAppendedWhenTheQueryHadNone() throws Exception {
        parse(Packet.query(0).question("www.example.com", Type.A));
        Message m = answer(oneAddress("www.example.com."), 512);
        assertNull(m.getOPT());
        assertEquals(0, m.getHeader().getCount(Section.ADDITIONAL));
    }

    @Test
    void optComesAfterTheAdditionalRecordsAndIsCounted() throws Exception {
        parse(Packet.query(1).question("big.example.com", Type.TXT).opt(1232));
        Message m = answer(bigTxt("big.example.com.", 1), 1232);
        List<Record> additional = m.getSection(Section.ADDITIONAL);
        assertEquals(2, additional.size());
        assertEquals(Type.A, additional.get(0).getType());
        assertEquals(Type.OPT, additional.get(1).getType());
    }

    @Test
    void dnssecOkBitIsEchoed() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232, 0, true, new byte[0]));
        Message m = answer(oneAddress("www.example.com."), 1232);
        assertTrue((m.getOPT().getFlags() & ExtendedFlags.DO) != 0);
    }

    @Test
    void badversReplyCarriesExtendedRcode1InOptTtlAndRcode0InHeader() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232, 1, false, new byte[0]));
        int length = Replies.error(q, Header.BADVERS, CAP, out);
        assertEquals(0, Header.u16(out, 2) & 0xf, "header rcode holds the low 4 bits of 16");
        Message m = new Message(Arrays.copyOf(out, length));
        OPTRecord opt = m.getOPT();
        assertNotNull(opt);
        assertEquals(1, opt.getExtendedRcode());
        assertEquals(0x01000000L, opt.getTTL());
        assertEquals(0, opt.getVersion(), "we answer with the version we speak");
        assertEquals(Rcode.BADVERS, m.getRcode());
        assertEquals(1, m.getHeader().getCount(Section.QUESTION));
        assertEquals(0, m.getHeader().getCount(Section.ANSWER));
        assertFalse(m.getHeader().getFlag(Flags.AA));
    }

    @Test
    void formErrReplyForTwoQuestionsHasNoQuestion() throws Exception {
        parse(Packet.header(Header.RD, 2, 0, 0, 0).question("a.example", Type.A).question("b.example", Type.A));
        Message m = error(Header.FORMERR);
        assertEquals(Rcode.FORMERR, m.getRcode());
        assertEquals(0, m.getHeader().getCount(Section.QUESTION));
        assertEquals(0x1234, m.getHeader().getID());
        assertTrue(m.getHeader().getFlag(Flags.QR));
        assertTrue(m.getHeader().getFlag(Flags.RD));
        assertEquals(Header.LENGTH, Replies.error(q, Header.FORMERR, CAP, out));
    }

    @Test
    void formErrReplyForABrokenQuestionHasNoQuestion() throws Exception {
        parse(Packet.query(0).bytes(3, 'w', 'w', 'w').pointer(12).u16(Type.A).u16(1));
        assertEquals(Header.LENGTH, Replies.error(q, Header.FORMERR, CAP, out));
        assertEquals(0, Header.u16(out, 4));
    }

    @Test
    void formErrReplyForABrokenOptKeepsTheQuestionButNoOpt() throws Exception {
        parse(Packet.query(2).question("www.example.com", Type.A).opt(1232).opt(1232));
        Message m = error(Header.FORMERR);
        assertEquals(Rcode.FORMERR, m.getRcode());
        assertEquals("www.example.com.", m.getQuestion().getName().toString());
        assertNull(m.getOPT());
    }

    @Test
    void notImpReplyEchoesTheOpcode() throws Exception {
        parse(Packet.header((Opcode.NOTIFY << 11) | Header.RD, 1, 0, 0, 0).question("example.com", Type.SOA));
        Message m = error(Header.NOTIMP);
        assertEquals(Rcode.NOTIMP, m.getRcode());
        assertEquals(Opcode.NOTIFY, m.getHeader().getOpcode());
        assertTrue(m.getHeader().getFlag(Flags.RD));
        assertFalse(m.getHeader().getFlag(Flags.RA));
    }

    @Test
    void refusedErrorReplyCarriesQuestionAndOptButNoAa() throws Exception {
        parse(Packet.header(Header.CD, 1, 0, 0, 1).name("version.bind").u16(Type.TXT).u16(DClass.CH).opt(1232));
        Message m = error(Header.REFUSED);
        assertEquals(Rcode.REFUSED, m.getRcode());
        assertEquals(DClass.CH, m.getQuestion().getDClass());
        assertNotNull(m.getOPT());
        assertFalse(m.getHeader().getFlag(Flags.AA));
        assertTrue(m.getHeader().getFlag(Flags.CD));
        assertFalse(m.getHeader().getFlag(Flags.RD));
    }

    private static final byte[] NSID = Replies.nsidOption("fra-node-1");

    private Message answerWithNsid(Sections sections, int limit) throws Exception {
        int length = Replies.answer(q, sections, limit, CAP, NSID, out);
        assertTrue(length <= limit, "reply of " + length + " bytes is over the limit " + limit);
        return new Message(Arrays.copyOf(out, length));
    }

    private static String nsidOf(Message m) {
        List<org.xbill.DNS.EDNSOption> nsid = m.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.NSID);
        return nsid.isEmpty() ? null
                : new String(Arrays.copyOfRange(nsid.get(0).toWire(), 4, nsid.get(0).toWire().length),
                        java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void nsidQueryGetsTheInstanceNameInTheReplysOpt() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232, 0, false, Packet.option(3, new byte[0])));
        Message m = answerWithNsid(oneAddress("www.example.com."), 1232);
        assertEquals("fra-node-1", nsidOf(m));
        assertEquals(1, m.getSection(Section.ANSWER).size());
    }

    @Test
    void nsidAndClientSubnetBothGoInTheOneOpt() throws Exception {
        byte[] options = Packet.concat(Packet.clientSubnet(1, 24, 0, 198, 51, 100), Packet.option(3, new byte[0]));
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232, 0, false, options));
        q.replyScope(24);
        Message m = answerWithNsid(oneAddress("www.example.com."), 1232);
        assertEquals("fra-node-1", nsidOf(m));
        org.xbill.DNS.ClientSubnetOption ecs = (org.xbill.DNS.ClientSubnetOption)
                m.getOPT().getOptions(org.xbill.DNS.EDNSOption.Code.CLIENT_SUBNET).get(0);
        assertEquals(24, ecs.getScopePrefixLength());
    }

    @Test
    void queryWithoutNsidGetsTheSameBytesAsWithoutAnInstanceName() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232, 0, false,
                Packet.clientSubnet(1, 24, 0, 198, 51, 100)));
        int plain = Replies.answer(q, oneAddress("www.example.com."), 1232, CAP, out);
        byte[] without = Arrays.copyOf(out, plain);
        int named = Replies.answer(q, oneAddress("www.example.com."), 1232, CAP, NSID, out);
        assertArrayEquals(without, Arrays.copyOf(out, named));
    }

    @Test
    void nsidThatPushesAReplyOverTheLimitTruncatesItAndStillNamesTheInstance() throws Exception {
        parse(Packet.query(1).question("big.example.com", Type.TXT).opt(1232, 0, false, Packet.option(3, new byte[0])));
        Sections sections = bigTxt("big.example.com.", 2);
        int withoutNsid = Header.LENGTH + q.questionLength() + sections.bytes().length + Replies.OPT_LENGTH;
        Message fits = answerWithNsid(sections, withoutNsid + NSID.length);
        assertFalse(fits.getHeader().getFlag(Flags.TC));
        assertEquals("fra-node-1", nsidOf(fits));

        Message over = answerWithNsid(sections, withoutNsid + NSID.length - 1);
        assertTrue(over.getHeader().getFlag(Flags.TC));
        assertEquals(0, over.getHeader().getCount(Section.ANSWER));
        assertEquals("fra-node-1", nsidOf(over));
    }

    @Test
    void nsidIsSentOnlyWhenAsked() throws Exception {
        parse(Packet.query(1).question("www.example.com", Type.A).opt(1232));
        assertNull(nsidOf(answerWithNsid(oneAddress("www.example.com."), 1232)));
    }
}
