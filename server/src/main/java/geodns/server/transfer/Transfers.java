package geodns.server.transfer;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.TSIGRecord;

/** The zones that may be transferred and the keys requests may be signed with, for one load of the config. */
public final class Transfers {
    private static final Transfers NONE = new Transfers(Map.of(), Map.of(), Map.of());

    private final Map<Name, ZoneTransfer> zones;
    private final Map<Name, TsigKey> keys;
    /** Each offered zone's records before encoding, so a signed zone can be encoded again with its signatures. */
    private final Map<Name, TransferContent.Zone> content;

    Transfers(Map<Name, ZoneTransfer> zones, Map<Name, TsigKey> keys) {
        this(zones, keys, Map.of());
    }

    Transfers(Map<Name, ZoneTransfer> zones, Map<Name, TsigKey> keys, Map<Name, TransferContent.Zone> content) {
        this.zones = Map.copyOf(zones);
        this.keys = Map.copyOf(keys);
        this.content = Map.copyOf(content);
    }

    /**
     * These transfers with the body of each zone {@code body} gives a new one for (a signed zone: its records,
     * RRSIGs, DNSKEY set and NSEC chain); {@code body} returns the zone's own body to keep it as it is.
     */
    public Transfers withBodies(java.util.function.Function<TransferContent.Zone, List<org.xbill.DNS.Record>> body) {
        Map<Name, ZoneTransfer> next = new java.util.HashMap<>(zones);
        content.forEach((origin, zone) -> {
            List<org.xbill.DNS.Record> records = body.apply(zone);
            if (records != zone.body()) {
                next.put(origin, TransferEncoder.encode(origin, zone.soa(), records, zones.get(origin).rules()));
            }
        });
        return new Transfers(next, keys, content);
    }

    public static Transfers none() {
        return NONE;
    }

    /** The zone with exactly this apex, when it is offered for transfer; null otherwise. */
    public ZoneTransfer zone(Name apex) {
        return zones.get(apex);
    }

    public Collection<ZoneTransfer> zones() {
        return List.copyOf(zones.values());
    }

    /**
     * Checks the TSIG that ends a request against the key it names: BADKEY when we hold no such key (or it is of
     * another algorithm), BADSIG or BADTIME when it does not verify (RFC 8945 §5.2), FORMERR when unreadable.
     */
    public Verified verify(byte[] packet, int length) {
        byte[] bytes = Arrays.copyOf(packet, length);
        Message parsed;
        TSIGRecord request;
        try {
            parsed = new Message(bytes);
            // dnsjava reads a message with TC set leniently and then fails to find the TSIG the header counts.
            request = parsed.getTSIG();
        } catch (IOException | RuntimeException e) {
            return new Verified(null, null, Rcode.FORMERR);
        }
        if (request == null) {
            return new Verified(null, null, Rcode.FORMERR);
        }
        TsigKey known = keys.get(request.getName());
        if (known == null || !known.algorithm().equals(request.getAlgorithm())) {
            return new Verified(null, request, Rcode.BADKEY);
        }
        return new Verified(known, request, known.verify(parsed, bytes, null));
    }

    /** A key by its name; null when we hold no key of that name. */
    public TsigKey key(Name name) {
        return keys.get(name);
    }
}
