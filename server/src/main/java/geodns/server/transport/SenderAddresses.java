package geodns.server.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The InetAddress of each recent sender, so that a query from a resolver seen lately allocates none: an
 * authoritative server's clients are resolvers, a few hundred addresses that ask again and again. Direct-mapped
 * and owned by one thread; a collision only costs a new InetAddress.
 */
final class SenderAddresses {
    private static final int SIZE = 1024;
    private static final int AF_INET6 = 10;
    private final long[] highs = new long[SIZE];
    private final long[] lows = new long[SIZE];
    private final InetAddress[] addresses = new InetAddress[SIZE];

    /** The sender in {@code meta[at, ...)}, a struct sockaddr_in or sockaddr_in6 as recvmmsg wrote it. */
    InetAddress of(ByteBuffer meta, int at) {
        boolean v6 = meta.getShort(at) == AF_INET6;
        // Byte order does not matter for a key; the family is folded in so that no IPv6 key equals an IPv4 one.
        long high = v6 ? meta.getLong(at + 8) : 0;
        long low = v6 ? meta.getLong(at + 16) : (meta.getInt(at + 4) & 0xffffffffL) | 1L << 32;
        int slot = (int) ((high * 0x9E3779B97F4A7C15L + low) * 0xC2B2AE3D27D4EB4FL >>> 54);
        InetAddress known = addresses[slot];
        if (known != null && highs[slot] == high && lows[slot] == low) {
            return known;
        }
        InetAddress address = parse(meta, at, v6);
        highs[slot] = high;
        lows[slot] = low;
        addresses[slot] = address;
        return address;
    }

    private static InetAddress parse(ByteBuffer meta, int at, boolean v6) {
        byte[] bytes = new byte[v6 ? 16 : 4];
        meta.get(at + (v6 ? 8 : 4), bytes);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);  // only for a length other than 4 or 16
        }
    }
}
