package geodns.e2e.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import org.xbill.DNS.Message;

/**
 * One UDP socket for many queries, one at a time, no retries: {@link #exchange} sends a message with a fresh id
 * and returns the reply with that id, or null when none came within the timeout. Late replies to earlier queries
 * (ids that do not match) are skipped. For load tests: no process per query, no resolver logic in the way.
 */
public final class UdpClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final byte[] buffer = new byte[65535];
    private final int timeoutMs;

    public UdpClient(InetSocketAddress server, int timeoutMs) {
        this.timeoutMs = timeoutMs;
        try {
            socket = new DatagramSocket();
            socket.connect(server);
        } catch (IOException e) {
            throw new AssertionError("UDP socket to " + server + ": " + e, e);
        }
    }

    /** Sends {@code query} (its id replaced by a random one) and returns the reply, or null after the timeout. */
    public Message exchange(Message query) {
        int id = ThreadLocalRandom.current().nextInt(0x10000);
        query.getHeader().setID(id);
        byte[] wire = query.toWire();
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        try {
            socket.send(new DatagramPacket(wire, wire.length));
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return null;
                }
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                if (packet.getLength() >= 2 && (((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff)) == id) {
                    byte[] reply = java.util.Arrays.copyOf(buffer, packet.getLength());
                    return new Message(reply);
                }
                // a late reply to an earlier query: keep waiting for ours
            }
        } catch (IOException e) {
            throw new AssertionError("UDP exchange failed: " + e, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
