package geodns.server.transfer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * A shared secret for transaction signatures (RFC 8945). Signing and checking go through dnsjava's {@link TSIG};
 * this class adds the raw-bytes side our pre-encoded replies need: appending a TSIG record to a finished message.
 */
public final class TsigKey {
    private static final int ARCOUNT = 10;
    private static final int MAX_MAC = 64;

    private final Name name;
    private final Name algorithm;
    private final TSIG tsig;

    public TsigKey(Name name, Name algorithm, byte[] secret) {
        this.name = name;
        this.algorithm = algorithm;
        this.tsig = new TSIG(algorithm, name, secret);
    }

    public Name name() {
        return name;
    }

    public Name algorithm() {
        return algorithm;
    }

    /**
     * Room a TSIG record of this key may take at the end of a message: owner, type, class, TTL, RDLENGTH, then
     * algorithm, time, fudge, MAC size, a MAC of up to 64 bytes (SHA-512), original id, error and 6 bytes of
     * other data (a BADTIME reply's clock). dnsjava's own estimate assumes a shorter MAC.
     */
    public int recordLength() {
        return name.length() + 10 + algorithm.length() + 6 + 2 + 2 + MAX_MAC + 2 + 2 + 2 + 6;
    }

    /** The outcome of checking a signed request: an RFC 8945 error (0 when it verified) and the request's TSIG. */
    public record Checked(int error, TSIGRecord request) {
        public boolean ok() {
            return error == Rcode.NOERROR;
        }
    }

    /**
     * Checks the TSIG that ends {@code message} (a request or a reply to {@code request}, which then must be
     * the TSIG of the request we sent).
     */
    public Checked verify(byte[] message, int length, TSIGRecord request) {
        byte[] bytes = Arrays.copyOf(message, length);
        Message parsed;
        try {
            parsed = new Message(bytes);
        } catch (IOException e) {
            return new Checked(Rcode.FORMERR, null);
        }
        TSIGRecord record = parsed.getTSIG();
        if (record == null) {
            return new Checked(Rcode.BADSIG, null);
        }
        return new Checked(verify(parsed, bytes, request), record);
    }

    /** {@code parsed} is {@code bytes} read by dnsjava. */
    int verify(Message parsed, byte[] bytes, TSIGRecord request) {
        return tsig.verify(parsed, bytes, request);
    }

    /**
     * Signs {@code message[0, length)} with message id {@code id}: the first message of a reply covers the
     * request's MAC ({@code previous} = the request's TSIG) and all TSIG variables; the following messages of a
     * transfer cover the previous message's MAC and only the timers (RFC 8945 §5.3.1).
     */
    public TSIGRecord sign(byte[] message, int length, int id, TSIGRecord previous, boolean first) {
        return tsig.generate(new Message(id), Arrays.copyOf(message, length), Rcode.NOERROR, previous, first);
    }

    /** A signed BADTIME error reply's TSIG (RFC 8945 §5.2.3): it carries our clock in its other data. */
    public TSIGRecord badTime(byte[] message, int length, int id, TSIGRecord request) {
        return tsig.generate(new Message(id), Arrays.copyOf(message, length), Rcode.BADTIME, request, true);
    }

    /**
     * The unsigned TSIG of a BADKEY or BADSIG error reply (RFC 8945 §5.3.2): the request's key name and
     * algorithm, an empty MAC.
     */
    public static TSIGRecord unsigned(TSIGRecord request, int id, int error) {
        return new TSIGRecord(request.getName(), DClass.ANY, 0, request.getAlgorithm(), Instant.now(),
                Duration.ofSeconds(300), new byte[0], id, error, null);
    }

    /** Appends {@code record} to {@code message[0, length)}, counts it in ARCOUNT; returns the new length. */
    public static int append(byte[] message, int length, TSIGRecord record) {
        byte[] wire = record.toWire(Section.ADDITIONAL);
        System.arraycopy(wire, 0, message, length, wire.length);
        int additional = ((message[ARCOUNT] & 0xff) << 8 | (message[ARCOUNT + 1] & 0xff)) + 1;
        message[ARCOUNT] = (byte) (additional >>> 8);
        message[ARCOUNT + 1] = (byte) additional;
        return length + wire.length;
    }

    @Override
    public String toString() {
        return name + " (" + algorithm + ")";
    }
}
