package geodns.server.transfer;

import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

/**
 * What the TSIG on a message said: a request to us, or the reply to a NOTIFY we sent.
 *
 * @param key     the key it named, when we hold it; replies to a verified request are signed with it
 * @param request the message's TSIG record (null when unsigned or unreadable)
 * @param error   0 when verified (or unsigned), else FORMERR or the RFC 8945 error: BADKEY, BADSIG, BADTIME
 */
public record Verified(TsigKey key, TSIGRecord request, int error) {
    public static final Verified UNSIGNED = new Verified(null, null, Rcode.NOERROR);

    public boolean ok() {
        return error == Rcode.NOERROR;
    }

    public boolean signed() {
        return request != null;
    }
}
