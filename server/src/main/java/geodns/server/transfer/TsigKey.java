package geodns.server.transfer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
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
    /** The algorithms transfer.yaml offers, and their hash's length. */
    private static final Map<Name, Integer> MAC_LENGTHS =
            Map.of(TSIG.HMAC_SHA256, 32, TSIG.HMAC_SHA384, 48, TSIG.HMAC_SHA512, 64);

    private final Name name;
    private final Name algorithm;
    private final TSIG tsig;
    /** The full MAC's length: the algorithm's hash. */
    private final int macLength;

    public TsigKey(Name name, Name algorithm, byte[] secret) {
        this.name = name;
        this.algorithm = algorithm;
        this.tsig = new TSIG(algorithm, name, secret);
        this.macLength = macLength(algorithm);
    }

    private static int macLength(Name algorithm) {
        Integer length = MAC_LENGTHS.get(algorithm);
        if (length == null) {
            throw new IllegalArgumentException("TSIG algorithm " + algorithm + " is not one of " + MAC_LENGTHS.keySet());
        }
        return length;
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

    /**
     * Checks the TSIG that ends {@code message} (a request or a reply to {@code request}, which then must be
     * the TSIG of the request we sent).
     */
    public Verified verify(byte[] message, int length, TSIGRecord request) {
        byte[] bytes = Arrays.copyOf(message, length);
        Message parsed;
        try {
            parsed = new Message(bytes);
        } catch (IOException e) {
            return new Verified(this, null, Rcode.FORMERR);
        }
        TSIGRecord record = parsed.getTSIG();
        if (record == null) {
            return new Verified(this, null, Rcode.BADSIG);
        }
        if (record.getSignature().length == 0 && record.getError() != Rcode.NOERROR) {
            return new Verified(this, record, record.getError());  // the peer's own complaint, unsigned (§5.3.2)
        }
        return new Verified(this, record, verify(parsed, bytes, request));
    }

    /**
     * Checks the TSIG of {@code parsed} ({@code bytes} read by dnsjava) as RFC 8945 §5.2 says, on two points where
     * dnsjava is lenient:
     * <ul>
     * <li>the MAC covers the message with its Original ID in the header (§4.3.1): a forwarder may change the ID,
     *     but an Original ID that is not the one signed is BADSIG (as Knot checks it);</li>
     * <li>a truncated MAC (§5.2.2.1) is FORMERR when longer than the hash or shorter than 10 bytes or half the
     *     hash, and otherwise, when it verifies, BADTRUNC: our policy is the full MAC, as Knot's (which answers
     *     BADSIG). Our secondaries (Knot, NSD, BIND, dig) send full MACs; accepting a shorter one would buy a
     *     transfer a few bytes for a weaker signature.</li>
     * </ul>
     */
    int verify(Message parsed, byte[] bytes, TSIGRecord request) {
        TSIGRecord record = parsed.getTSIG();
        int mac = record.getSignature().length;
        if (mac > macLength || mac < Math.max(10, macLength / 2)) {
            return Rcode.FORMERR;
        }
        // dnsjava digests the parsed header; the message as it was signed had its Original ID there.
        parsed.getHeader().setID(record.getOriginalID());
        int error = tsig.verify(parsed, bytes, request);
        return error == Rcode.NOERROR && mac < macLength ? Rcode.BADTRUNC : error;
    }

    /**
     * Signs {@code message[0, length)} with message id {@code id}: the first message of a reply covers the
     * request's MAC ({@code previous} = the request's TSIG) and all TSIG variables; the following messages of a
     * transfer cover the previous message's MAC and only the timers (RFC 8945 §5.3.1).
     */
    public TSIGRecord sign(byte[] message, int length, int id, TSIGRecord previous, boolean first) {
        return tsig.generate(new Message(id), Arrays.copyOf(message, length), Rcode.NOERROR, previous, first);
    }

    /**
     * The TSIG of a signed error reply (RFC 8945 §5.3.2): BADTIME (it carries our clock in its other data) or
     * BADTRUNC; it covers the request's MAC as it came, truncated or not (§5.2.2.1).
     */
    public TSIGRecord signedError(byte[] message, int length, int id, TSIGRecord request, int error) {
        return tsig.generate(new Message(id), Arrays.copyOf(message, length), error, request, true);
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
