package geodns.server.wire;

import static geodns.server.testing.Packet.concat;
import static geodns.server.testing.Packet.option;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.testing.Packet;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Type;

/** RFC 6891 input handling: the OPT record and its options. */
class QueryEdnsParsingTest extends QueryParsing {
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

    // --- NSID (RFC 5001) ---

    @Test
    void nsidOptionAsksForOurNsidBesideAClientSubnet() {
        byte[] options = concat(Packet.clientSubnet(1, 24, 0, 198, 51, 100), option(3, new byte[0]));
        assertEquals(ParseResult.QUERY, parse(wwwQuery(1).opt(1232, 0, false, options)));
        assertTrue(q.wantsNsid());
        assertTrue(q.hasClientSubnet());
    }

    @Test
    void nsidRequestDoesNotOutliveItsQueryInTheReusedQuery() {
        parse(wwwQuery(1).opt(1232, 0, false, option(3, new byte[0])));
        assertTrue(q.wantsNsid());
        parse(wwwQuery(1).opt(1232));
        assertFalse(q.wantsNsid(), "an OPT without NSID");
        parse(wwwQuery(1).opt(1232, 0, false, option(3, new byte[0])));
        parse(wwwQuery(0));
        assertFalse(q.wantsNsid(), "no OPT at all");
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
}
