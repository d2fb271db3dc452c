package geodns.server.transfer;

import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import geodns.server.wire.Replies;
import geodns.server.wire.Sections;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.TSIGRecord;

/**
 * The messages of one reply over TCP, made one at a time as the connection can take them: a zone transfer's
 * pre-encoded sections behind the request's header and question, each message signed in turn when the request
 * was (RFC 8945 §5.3.1: every message, each MAC covering the one before), or a single ready message.
 */
public final class TransferStream {

    private final Query query;
    private final List<Sections> messages;
    private final TsigKey key;
    private final int advertisedPayload;
    private final byte[] buffer;
    private TSIGRecord previous;
    private int next;

    private TransferStream(Query query, List<Sections> messages, TsigKey key, TSIGRecord request,
                           int advertisedPayload, byte[] buffer) {
        this.query = query;
        this.messages = messages;
        this.key = key;
        this.previous = request;
        this.advertisedPayload = advertisedPayload;
        this.buffer = buffer;
    }

    /**
     * @param packet the request, copied: the caller's buffer is reused before the stream is done
     * @param key    signs every message when not null; {@code request} is then the request's TSIG
     */
    public static TransferStream of(byte[] packet, int length, List<Sections> messages, TsigKey key,
                                    TSIGRecord request, int advertisedPayload) {
        Query own = new Query();
        QueryParser.parse(Arrays.copyOf(packet, length), length, own);
        return new TransferStream(own, messages, key, request, advertisedPayload, new byte[Codes.MAX_MESSAGE]);
    }

    /** A reply of one message that is already complete. */
    public static TransferStream single(byte[] message, int length) {
        return new TransferStream(null, List.of(), null, null, 0, Arrays.copyOf(message, length));
    }

    public boolean done() {
        return query == null ? next > 0 : next >= messages.size();
    }

    /** The next whole message (without the TCP length prefix). */
    public byte[] next() {
        if (query == null) {
            next++;
            return buffer;
        }
        int reserve = key == null ? 0 : key.recordLength();
        int length = Replies.answer(query, messages.get(next), Codes.MAX_MESSAGE - reserve, advertisedPayload, buffer);
        if (key != null) {
            previous = key.sign(buffer, length, query.id(), previous, next == 0);
            length = TsigKey.append(buffer, length, previous);
        }
        next++;
        return Arrays.copyOf(buffer, length);
    }

    /** How many messages the stream holds in all. */
    public int size() {
        return query == null ? 1 : messages.size();
    }
}
