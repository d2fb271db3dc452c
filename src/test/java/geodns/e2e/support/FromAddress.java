package geodns.e2e.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * TCP from a chosen local address: any 127.x address binds on Linux, so one host can play clients in many
 * networks (rate limiting, per-client caps) without namespaces.
 */
public final class FromAddress {
    private FromAddress() {
    }

    /** A connection from {@code local} (port chosen by the kernel) to {@code server}, with the usual timeouts. */
    public static Socket connect(String local, InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
        socket.setTcpNoDelay(true);
        socket.connect(server, Wire.TIMEOUT_MS);
        socket.setSoTimeout(Wire.TIMEOUT_MS);
        return socket;
    }

    /** One framed query on a new connection from {@code local}; the reply, or a failure when none came. */
    public static byte[] tcp(String local, InetSocketAddress server, byte[] query) {
        try (Socket socket = connect(local, server)) {
            Wire.writeFrame(socket.getOutputStream(), query);
            byte[] reply = Wire.readFrame(socket.getInputStream());
            if (reply == null) {
                throw new AssertionError("the server closed the connection from " + local + " without a reply");
            }
            return reply;
        } catch (IOException e) {
            throw new AssertionError("TCP from " + local + " to " + server + ": " + e, e);
        }
    }
}
