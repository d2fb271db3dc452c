package geodns.server.transfer;

import geodns.server.wire.Network;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.wire.Sections;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** A zone becomes AXFR messages: SOA first and last, bounded in size, every record once; signed in a chain. */
class TransferEncoderTest {
    private static final Name ORIGIN = Name.fromConstantString("example.com.");
    private static final SOARecord SOA = new SOARecord(ORIGIN, DClass.IN, 300, Name.fromConstantString("ns1.example.com."),
            Name.fromConstantString("hostmaster.example.com."), 7, 7200, 900, 1209600, 300);
    private static final Rules OPEN = new Rules(List.of(Network.parse("127.0.0.0/8")), null, List.of());

    private static List<Record> body(int n) throws Exception {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Name owner = Name.fromString("host-" + i, ORIGIN);
            records.add(new ARecord(owner, DClass.IN, 300, java.net.InetAddress.getByName("192.0.2." + (i % 250))));
            records.add(new TXTRecord(owner, DClass.IN, 300, "text of record " + i));
        }
        return records;
    }

    /** The messages as a client sees them, for a query with id 77. */
    private static List<Message> stream(ZoneTransfer zone, TsigKey key, TSIGRecord request) throws Exception {
        Message query = Message.newQuery(Record.newRecord(ORIGIN, Type.AXFR, DClass.IN));
        query.getHeader().setID(77);
        byte[] packet = query.toWire();
        TransferStream stream = TransferStream.of(packet, packet.length, zone.messages(), key, request, 1232);
        List<Message> out = new ArrayList<>();
        while (!stream.done()) {
            out.add(new Message(stream.next()));
        }
        return out;
    }

    @Test
    void aSmallZoneIsOneMessageWithTheSoaFirstAndLast() throws Exception {
        ZoneTransfer zone = TransferEncoder.encode(ORIGIN, SOA, body(3), OPEN);
        List<Message> messages = stream(zone, null, null);
        assertEquals(1, messages.size());
        List<Record> answer = messages.get(0).getSection(Section.ANSWER);
        assertEquals(8, answer.size());
        assertEquals(SOA, answer.get(0));
        assertEquals(SOA, answer.get(7));
        assertEquals(77, messages.get(0).getHeader().getID());
        assertEquals(ORIGIN, messages.get(0).getQuestion().getName());
    }

    @Test
    void aBigZoneIsSplitIntoBoundedMessagesHoldingEveryRecordOnce() throws Exception {
        List<Record> body = body(2000);
        ZoneTransfer zone = TransferEncoder.encode(ORIGIN, SOA, body, OPEN);
        List<Message> messages = stream(zone, null, null);
        assertTrue(messages.size() > 3, "messages: " + messages.size());
        List<Record> all = new ArrayList<>();
        for (Message m : messages) {
            assertTrue(m.toWire().length <= TransferEncoder.MESSAGE_BUDGET + 512, "message size " + m.toWire().length);
            assertEquals(1, m.getHeader().getCount(Section.QUESTION), "the question in every message, as Knot does");
            all.addAll(m.getSection(Section.ANSWER));
        }
        assertEquals(SOA, all.get(0));
        assertEquals(SOA, all.get(all.size() - 1));
        assertEquals(body, all.subList(1, all.size() - 1));
    }

    @Test
    void everyMessageOfASignedTransferVerifiesInAChain() throws Exception {
        byte[] secret = "secret-secret-secret-32-bytes!!".getBytes();
        Name keyName = Name.fromConstantString("secondary.");
        TsigKey key = new TsigKey(keyName, TSIG.HMAC_SHA256, secret);
        TSIG client = new TSIG(TSIG.HMAC_SHA256, keyName, secret);
        Message query = Message.newQuery(Record.newRecord(ORIGIN, Type.AXFR, DClass.IN));
        query.setTSIG(client);
        byte[] packet = query.toWire(65535);
        TSIGRecord request = new Message(packet).getTSIG();
        assertTrue(request != null, "the query is signed");
        ZoneTransfer zone = TransferEncoder.encode(ORIGIN, SOA, body(2000), OPEN);
        TransferStream stream = TransferStream.of(packet, packet.length, zone.messages(), key, request, 1232);
        TSIG.StreamVerifier verifier = new TSIG.StreamVerifier(client, request);
        int count = 0;
        while (!stream.done()) {
            byte[] bytes = stream.next();
            Message m = new Message(bytes);
            assertEquals(Rcode.NOERROR, verifier.verify(m, bytes), "message " + count + ": "
                    + verifier.getErrorMessage());
            assertTrue(m.getTSIG() != null, "every message signed");
            count++;
        }
        assertTrue(count > 3);
    }

    @Test
    void theLoneSoaIsOneRecord() throws Exception {
        ZoneTransfer zone = TransferEncoder.encode(ORIGIN, SOA, body(3), OPEN);
        Sections soaOnly = zone.soaOnly();
        assertEquals(1, soaOnly.answerCount());
    }
}
