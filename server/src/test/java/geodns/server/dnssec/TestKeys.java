package geodns.server.dnssec;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Name;

/** Keys made in memory for tests: what the keys folder's reader gives the compiler. */
public final class TestKeys {
    private TestKeys() {}

    /** A combined signing key (KSK flags, SEP) of algorithm 13, ECDSA P-256 with SHA-256. */
    public static ZoneKey ecdsa(Name zone) {
        return key(zone, "EC", DNSSEC.Algorithm.ECDSAP256SHA256, new ECGenParameterSpec("secp256r1"));
    }

    /** The same with algorithm 15, Ed25519. */
    public static ZoneKey ed25519(Name zone) {
        return key(zone, "Ed25519", DNSSEC.Algorithm.ED25519, null);
    }

    public static ZoneKeys signing(Name zone, ZoneKey... keys) {
        return new ZoneKeys(zone, List.of(keys));
    }

    /** The key published only, as in a rollover. */
    public static ZoneKey publishedOnly(ZoneKey key) {
        return new ZoneKey(key.dnskey(), null);
    }

    private static ZoneKey key(Name zone, String kind, int algorithm, ECGenParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(kind);
            if (spec != null) {
                generator.initialize(spec);
            }
            KeyPair pair = generator.generateKeyPair();
            DNSKEYRecord dnskey = new DNSKEYRecord(zone, DClass.IN, 3600,
                    DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY, DNSKEYRecord.Protocol.DNSSEC, algorithm,
                    pair.getPublic());
            return new ZoneKey(dnskey, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
