package geodns.server.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/**
 * An address block such as 192.0.2.0/24 or ::1/128; a bare address is a block of one. {@link #contains(int,
 * byte[])} reads an address in place (family 1 IPv4, 2 IPv6, as in ECS and {@link Query#sourceFamily()}), so
 * checking a query allocates nothing.
 */
public record Network(int family, byte[] address, int prefix) {
    public static final Network LOOPBACK_V4 = parse("127.0.0.0/8");
    public static final Network LOOPBACK_V6 = parse("::1/128");

    /**
     * Parses {@code ADDRESS[/PREFIX]}.
     *
     * @throws IllegalArgumentException with a one-line reason fit for a config or command-line error
     */
    public static Network parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        InetAddress parsed = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address or network (e.g. 192.0.2.0/24)");
        }
        byte[] address = parsed.getAddress();
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = trimmed.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        for (int bit = prefix; bit < bits; bit++) {
            if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
                throw new IllegalArgumentException("'" + text + "' has host bits set past /" + prefix);
            }
        }
        return new Network(address.length == 4 ? 1 : 2, address, prefix);
    }

    /** An IPv4 or IPv6 address written as such; null for anything else (never a DNS lookup). */
    public static InetAddress literal(String text) {
        byte[] bytes = Address.toByteArray(text, Address.IPv4);
        if (bytes == null) {
            bytes = Address.toByteArray(text, Address.IPv6);
        }
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    public boolean contains(InetAddress candidate) {
        byte[] bytes = candidate.getAddress();
        return contains(bytes.length == 4 ? 1 : 2, bytes);
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
