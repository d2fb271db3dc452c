package geodns.e2e.support;

import java.util.Locale;

/**
 * One resource record as shown in presentation format, from dig's output or from a dnsjava message.
 * Names are absolute (trailing dot) in the letter case they had on the wire; {@code data} is the RDATA text
 * (AAAA addresses in RFC 5952 form). Question entries have ttl 0 and empty data.
 */
public record Rr(String name, long ttl, String cls, String type, String data) {

    /** The owner name, lower-cased, for comparisons that do not care about letter case. */
    public String lowerName() {
        return name.toLowerCase(Locale.ROOT);
    }

    public boolean is(String owner, String rrType) {
        return lowerName().equals(owner.toLowerCase(Locale.ROOT)) && type.equals(rrType);
    }

    /** "name type data" with the owner lower-cased: what the tests compare, TTL aside. */
    public String key() {
        return lowerName() + " " + type + " " + data;
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + cls + " " + type + " " + data;
    }
}
