package geodns.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Message;

/** Raw DNS over UDP and TCP with plain sockets: exact bytes out, exact bytes in, bounded waits. */
public final class Wire {
    public static final int TIMEOUT_MS = 3000;

    private Wire() {
    }

    // ---------------------------------------------------------------------------------------- header fields

    public static int id(byte[] m) {
        return ((m[0] & 0xff) << 8) | (m[1] & 0xff);
    }

    public static boolean qr(byte[] m) {
        return (m[2] & 0x80) != 0;
    }

    public static int opcode(byte[] m) {
        return (m[2] >> 3) & 0xf;
    }

    public static boolean aa(byte[] m) {
        return (m[2] & 0x04) != 0;
    }

    public static boolean tc(byte[] m) {
        return (m[2] & 0x02) != 0;
    }

    public static boolean rd(byte[] m) {
        return (m[2] & 0x01) != 0;
    }

    public static boolean ra(byte[] m) {
        return (m[3] & 0x80) != 0;
    }

    /** The 4-bit header RCODE (without any EDNS extension). */
    public static int rcode(byte[] m) {
        return m[3] & 0x0f;
    }

    public static int qdcount(byte[] m) {
        return ((m[4] & 0xff) << 8) | (m[5] & 0xff);
    }

    public static Message parse(byte[] m) {
        try {
            return new Message(m);
        } catch (IOException e) {
            throw new AssertionError("reply does not parse: " + e + "\n" + hex(m), e);
        }
    }

    public static String hex(byte[] m) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < m.length; i++) {
            out.append(String.format("%02x", m[i] & 0xff)).append(i % 16 == 15 ? "\n" : " ");
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------- exchanges

    /** Sends {@code query} and returns the reply; fails if none comes within {@link #TIMEOUT_MS}. */
    public static byte[] exchange(Transport transport, InetSocketAddress server, byte[] query) {
        byte[] reply = transport == Transport.UDP ? udp(server, query, TIMEOUT_MS) : tcp(server, query);
        if (reply == null) {
            throw new AssertionError("no reply over " + transport + " to:\n" + hex(query));
        }
        return reply;
    }

    /** One UDP datagram out, the first datagram back (or null after {@code timeoutMs}). */
    public static byte[] udp(InetSocketAddress server, byte[] query, int timeoutMs) {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(timeoutMs);
            socket.connect(server);
            socket.send(new DatagramPacket(query, query.length));
            return receive(socket);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new AssertionError("UDP to " + server + ": " + e, e);
        }
    }

    /** The next datagram on {@code socket}; a SocketTimeoutException when none came in time. */
    /** True if a probe query over {@code socket} gets its reply. */
    public static boolean answers(Socket socket, int id) throws IOException {
        writeFrame(socket.getOutputStream(), probe(id));
        byte[] reply = readFrame(socket.getInputStream());
        return reply != null && id(reply) == id;
    }

    /** True if the server closes the connection (with or without reading a probe) instead of answering it. */
    public static boolean closedInsteadOfAnswered(Socket socket) throws IOException {
        try {
            writeFrame(socket.getOutputStream(), probe(0x6999));
            socket.setSoTimeout(TIMEOUT_MS);
            return readFrame(socket.getInputStream()) == null;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset or broken pipe: closed by the server
        }
    }

    public static byte[] receive(DatagramSocket socket) throws IOException {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        byte[] out = new byte[packet.getLength()];
        System.arraycopy(buffer, 0, out, 0, out.length);
        return out;
    }

    /** One framed message out on a new connection, the first frame back (null if the server closed first). */
    public static byte[] tcp(InetSocketAddress server, byte[] query) {
        try (Socket socket = connect(server)) {
            socket.getOutputStream().write(frame(query));
            socket.getOutputStream().flush();
            return readFrame(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new AssertionError("TCP to " + server + ": " + e, e);
        }
    }

    public static Socket connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(server, TIMEOUT_MS);
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    /** {@code message} with its 2-byte length in front (RFC 1035 4.2.2). */
    public static byte[] frame(byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((message.length >> 8) & 0xff);
        out.write(message.length & 0xff);
        out.writeBytes(message);
        return out.toByteArray();
    }

    /** Several framed messages back to back, for one write. */
    public static byte[] frames(List<byte[]> messages) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        messages.forEach(m -> out.writeBytes(frame(m)));
        return out.toByteArray();
    }

    public static void writeFrame(OutputStream out, byte[] message) throws IOException {
        out.write(frame(message));
        out.flush();
    }

    /** The next frame, or null if the connection ended (EOF or reset) cleanly before a length prefix. */
    public static byte[] readFrame(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int length;
        try {
            length = data.readUnsignedShort();
        } catch (EOFException e) {
            return null;
        } catch (SocketException e) {
            // connection reset: the server closed it
            return null;
        }
        byte[] message = new byte[length];
        data.readFully(message);
        return message;
    }

    /**
     * True if the server closes {@code socket} within {@code timeoutMs}: a read ends with EOF or a reset. Any data
     * that arrives meanwhile is read and discarded. False if the connection is still open when time runs out.
     */
    public static boolean closedByServerWithin(Socket socket, int timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        byte[] buffer = new byte[4096];
        while (true) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (socket.getInputStream().read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }
    }

    /** A normal query (www.example.com A, no OPT) to check that the server still answers. */
    public static byte[] probe(int id) {
        return RawQuery.query(id, "www.example.com.", RawQuery.TYPE_A).bytes();
    }

    /**
     * Sends {@code bad} and then {@code probe} (a normal query with id {@code probeId}) from one UDP socket, and
     * returns every datagram that is not the probe's reply, received until the probe is answered and for
     * {@code graceMs} after. Fails if the probe gets no reply: the server must keep answering.
     */
    public static List<byte[]> udpRepliesOtherThanProbe(InetSocketAddress server, List<byte[]> bad, byte[] probe,
                                                       int graceMs) {
        int probeId = id(probe);
        List<byte[]> others = new ArrayList<>();
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            for (byte[] b : bad) {
                socket.send(new DatagramPacket(b, b.length));
            }
            socket.send(new DatagramPacket(probe, probe.length));
            socket.setSoTimeout(TIMEOUT_MS);
            boolean probeAnswered = false;
            long graceEnd = Long.MAX_VALUE;
            while (System.currentTimeMillis() < graceEnd) {
                if (probeAnswered) {
                    socket.setSoTimeout((int) Math.max(1, graceEnd - System.currentTimeMillis()));
                }
                byte[] reply;
                try {
                    reply = receive(socket);
                } catch (SocketTimeoutException e) {
                    if (!probeAnswered) {
                        throw new AssertionError("the server did not answer a normal query sent after "
                                + bad.size() + " bad packet(s)");
                    }
                    break;
                }
                if (!probeAnswered && reply.length >= 12 && id(reply) == probeId && qr(reply)
                        && qdcount(reply) == 1 && reply.length >= probe.length
                        && java.util.Arrays.equals(reply, 12, probe.length, probe, 12, probe.length)) {
                    probeAnswered = true;
                    graceEnd = System.currentTimeMillis() + graceMs;
                } else {
                    others.add(reply);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("UDP to " + server + ": " + e, e);
        }
        return others;
    }
}
