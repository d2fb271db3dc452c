package geodns.server.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Clients are taken together by /24 (IPv4) or /56 (IPv6), the prefixes resolvers send in ECS (RFC 7871 §11.1):
 * routing decides once per group, the rate limiter counts per group, /explain asks for a group. Family is 1 for
 * IPv4 and 2 for IPv6, as in ECS; addresses are a query's buffers, IPv4 in the first four bytes.
 */
public final class ClientGroup {
    public static final int IPV4_PREFIX = 24;
    public static final int IPV6_PREFIX = 56;

    private ClientGroup() {
    }

    /** The prefix clients of this family are grouped by: /24 or /56. */
    public static int prefix(int family) {
        return family == 1 ? IPV4_PREFIX : IPV6_PREFIX;
    }

    /** A known prefix of a client's address cut to its group's: a source prefix longer than the group says no more. */
    public static int capped(int family, int prefix) {
        return Math.min(prefix, prefix(family));
    }

    /**
     * The first {@code prefix} bits of the address, tagged with family and prefix, as one long: equal for two
     * addresses exactly when they share family, prefix and those bits.
     *
     * @param prefix at most the family's group prefix ({@link #capped})
     */
    public static long key(int family, byte[] address, int prefix) {
        long bits = 0;
        for (int i = 0; i < 7; i++) {
            bits = (bits << 8) | (address[i] & 0xff);
        }
        int totalBits = family == 1 ? 32 : 56;
        bits >>>= 56 - totalBits;
        bits &= prefix == 0 ? 0 : -1L << (totalBits - prefix);
        return bits | (long) family << 62 | (long) prefix << 56;
    }

    /** The address with every bit past {@code prefix} cleared, as GeoIP is asked for a group. */
    static InetAddress masked(int family, byte[] address, int prefix) {
        byte[] bytes = Arrays.copyOf(address, family == 1 ? 4 : 16);
        for (int bit = prefix; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
