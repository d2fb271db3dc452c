package geodns.server.dnssec;

import java.security.PrivateKey;
import org.xbill.DNS.DNSKEYRecord;

/**
 * A DNSKEY of a zone and, when this instance may sign with it, its private key. The private key is never logged,
 * served or transferred: only {@link #dnskey()} leaves this record.
 *
 * @param privateKey null for a key that is published only
 */
public record ZoneKey(DNSKEYRecord dnskey, PrivateKey privateKey) {
    public boolean signs() {
        return privateKey != null;
    }

    public int tag() {
        return dnskey.getFootprint();
    }

    @Override
    public String toString() {
        return "key " + tag() + " (algorithm " + dnskey.getAlgorithm() + (signs() ? ", signing)" : ", published)");
    }
}
