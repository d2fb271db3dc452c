package geodns.server.dnssec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Name;

/**
 * {@code geodns dnssec keygen}: a new combined signing key (flags 257, the SEP bit: the DS points at it) written as
 * BIND's dnssec-keygen would, the private file created with mode 0600 before a byte is written to it.
 */
public record NewKey(DNSKEYRecord dnskey, Path keyFile, Path privateFile) {
    private static final int SEP_KEY = 257;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
            .withZone(ZoneOffset.UTC);

    public static NewKey write(Name zone, KeyAlgorithm algorithm, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int attempt = 0; ; attempt++) {
            KeyPair pair;
            DNSKEYRecord dnskey;
            try {
                pair = algorithm.generate();
                dnskey = new DNSKEYRecord(zone, DClass.IN, KeyFiles.DEFAULT_TTL, SEP_KEY, DNSKEYRecord.Protocol.DNSSEC,
                        algorithm.number(), pair.getPublic());
            } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
                throw new IOException("cannot make a " + algorithm.name() + " key: " + e.getMessage(), e);
            }
            String base = fileBase(dnskey);
            Path keyFile = dir.resolve(base + KeyFiles.KEY);
            Path privateFile = dir.resolve(base + KeyFiles.PRIVATE);
            if (Files.exists(keyFile) || Files.exists(privateFile)) {
                if (attempt < 10) {
                    continue;  // a key tag already taken in this zone: another key
                }
                throw new IOException(keyFile + ": exists");
            }
            String created = STAMP.format(Instant.now());
            Files.createFile(privateFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(privateFile, "Private-key-format: v1.3\n"
                    + "Algorithm: " + algorithm.described() + "\n"
                    + "PrivateKey: " + Base64.getEncoder().encodeToString(algorithm.privateBytes(pair.getPrivate())) + "\n"
                    + "Created: " + created + "\n"
                    + "Publish: " + created + "\n"
                    + "Activate: " + created + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(keyFile, "; This is a key-signing key, keyid " + dnskey.getFootprint() + ", for "
                    + zone + "\n; Created: " + created + "\n" + dnskey + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return new NewKey(dnskey, keyFile, privateFile);
        }
    }

    /** {@code Kexample.com.+013+01234}, as BIND names key files. */
    static String fileBase(DNSKEYRecord dnskey) {
        return String.format("K%s+%03d+%05d", dnskey.getName(), dnskey.getAlgorithm(), dnskey.getFootprint());
    }

    /** The DS record (SHA-256, digest type 2) the zone's parent publishes for {@code dnskey}. */
    public static DSRecord ds(DNSKEYRecord dnskey) {
        return new DSRecord(dnskey.getName(), DClass.IN, dnskey.getTTL(), DNSSEC.Digest.SHA256, dnskey);
    }
}
