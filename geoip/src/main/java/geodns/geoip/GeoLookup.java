package geodns.geoip;

/**
 * The answer of a database lookup.
 *
 * @param prefixLength the prefix length of the database network that holds the address, found or not: every
 *                     address in that network gets the same answer, so a decision may be cached (and an ECS scope
 *                     given) for it. Counted in the address's own family: for an IPv4 address 0..32, even when the
 *                     database stores IPv4 under ::/96 of an IPv6 tree. 0 when the database has nothing for the
 *                     address's family at all.
 * @param place        where the database places the address, or null when it has no (usable) record
 */
public record GeoLookup(int prefixLength, GeoPlace place) {

    public boolean found() {
        return place != null;
    }
}
