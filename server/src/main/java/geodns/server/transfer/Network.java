package geodns.server.transfer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** An address block such as {@code 192.0.2.0/24} or {@code ::1/128}; a bare address is a block of one. */
public record Network(byte[] address, int prefix) {
    /** @throws IllegalArgumentException with a reason fit for a config error */
    public static Network parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        InetAddress parsed = literal(host);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + text + "' is not an address or network (e.g. 192.0.2.0/24)");
        }
        byte[] address = parsed.getAddress();
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = text.substring(slash + 1);
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
        return new Network(address, prefix);
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
        byte[] other = candidate.getAddress();
        if (other.length != address.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (other[i] != address[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (other[full] & mask) == (address[full] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
