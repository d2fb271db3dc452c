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
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** RFC 7871 input handling: the EDNS Client Subnet option of a query. */
class QueryClientSubnetParsingTest extends QueryParsing {
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
