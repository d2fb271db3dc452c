package geodns.server.zone;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * A zone's serial and a digest of its content as a secondary receives it, serial aside: the records of its
 * file (the SOA with serial 0) and, when it is offered for transfer, each geo name's default answer. In the
 * records' canonical wire form, sorted, so reordering or reformatting the file is no change.
 */
public record ZoneVersion(String zone, long serial, String digest) {
    static ZoneVersion of(ZoneContent zone, List<Record> alsoTransferred) {
        List<byte[]> records = new ArrayList<>();
        for (PlacedRecord placed : zone.records()) {
            Record r = placed.record();
            if (r instanceof SOARecord soa) {
                r = new SOARecord(soa.getName(), soa.getDClass(), soa.getTTL(), soa.getHost(), soa.getAdmin(), 0,
                        soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
            }
            records.add(withTtl(r));
        }
        alsoTransferred.forEach(r -> records.add(withTtl(r)));
        records.sort(Arrays::compareUnsigned);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (byte[] r : records) {
            sha.update(r);
        }
        return new ZoneVersion(zone.origin().toString(true), zone.soa().getSerial(),
                HexFormat.of().formatHex(sha.digest()));
    }

    /** Canonical owner, type, class and RDATA (RFC 4034 §6.2), and the TTL, which a secondary serves too. */
    private static byte[] withTtl(Record r) {
        byte[] canonical = r.toWireCanonical();
        byte[] out = Arrays.copyOf(canonical, canonical.length + 4);
        long ttl = r.getTTL();
        for (int i = 0; i < 4; i++) {
            out[canonical.length + i] = (byte) (ttl >>> (24 - 8 * i));
        }
        return out;
    }
}
