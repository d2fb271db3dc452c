package geodns.e2e.support;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/**
 * Where a UDP reply comes from: asks each address one question (example.com SOA) from an unconnected socket, which,
 * unlike dig or a resolver, takes a reply from any source, and prints one line per address:
 * {@code ADDRESS <- SOURCE} (the reply's source address) or {@code ADDRESS <- timeout}. Run as a process of its own
 * inside a network namespace (see {@link NetNamespaces}).
 *
 * <pre>{@code java -cp TEST_CLASSES geodns.e2e.support.ReplySource PORT ADDRESS...}</pre>
 */
public final class ReplySource {
    public static final String ARROW = " <- ";
    public static final String TIMEOUT = "timeout";

    private ReplySource() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ReplySource PORT ADDRESS...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        for (int i = 1; i < args.length; i++) {
            InetAddress asked = InetAddress.getByName(args[i]);   // a literal: no name lookup
            System.out.println(args[i] + ARROW + source(asked, port, 0x5300 + i));
        }
    }

    private static String source(InetAddress asked, int port, int id) throws Exception {
        byte[] query = RawQuery.query(id, "example.com", 6).bytes();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(query, query.length, asked, port));
            long deadline = System.nanoTime() + 3_000_000_000L;
            byte[] buffer = new byte[4096];
            while (System.nanoTime() < deadline) {
                DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(reply);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (reply.getLength() >= 2 && Wire.id(buffer) == id) {
                    return reply.getAddress().getHostAddress() + "#" + reply.getPort();
                }
            }
            return TIMEOUT;
        }
    }
}
