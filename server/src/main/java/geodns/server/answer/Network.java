package geodns.server.answer;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block such as 127.0.0.0/8 or ::1/128. {@link #contains} reads an address in place (family 1 IPv4,
 * 2 IPv6, as in ECS and {@link geodns.server.wire.Query#sourceFamily()}), so checking a query allocates nothing.
 */
public record Network(int family, byte[] address, int prefix) {
    public static final Network LOOPBACK_V4 = parse("127.0.0.0/8");
    public static final Network LOOPBACK_V6 = parse("::1/128");

    /**
     * Parses {@code ADDRESS[/PREFIX]}; a bare address is one host. Throws IllegalArgumentException with a
     * one-line reason for anything else. Bits past the prefix are ignored (192.0.2.7/24 is 192.0.2.0/24).
     */
    public static Network parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = literal(host);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address block like 192.0.2.0/24 or 2001:db8::/32");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "': the prefix must be a number from 0 to " + bits);
            }
        }
        return new Network(bytes.length == 4 ? 1 : 2, bytes, prefix);
    }

    /** The bytes of a literal address, or null; never a DNS lookup (InetAddress would resolve a name). */
    private static byte[] literal(String host) {
        try {
            if (host.contains(":")) {
                return InetAddress.getByName(host).getAddress(); // a colon makes it an IPv6 literal, never a name
            }
            String[] parts = host.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(Character::isDigit)) {
                    return null;
                }
                int value = Integer.parseInt(parts[i]);
                if (value > 255) {
                    return null;
                }
                bytes[i] = (byte) value;
            }
            return bytes;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** True if the first bytes of {@code candidate} (of {@code family}) lie in this block. */
    public boolean contains(int family, byte[] candidate) {
        if (family != this.family) {
            return false;
        }
        int whole = prefix / 8;
        for (int i = 0; i < whole; i++) {
            if (candidate[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff00 >>> rest & 0xff;
        return (candidate[whole] & mask) == (address[whole] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Network n && n.family == family && n.prefix == prefix
                && contains(n.family, n.address) && n.contains(family, address);
    }

    @Override
    public int hashCode() {
        return family * 31 + prefix;
    }
}
