package geodns.e2e.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A bounded burst of UDP queries from one local address (any 127.x address binds on Linux), with every reply
 * collected by a second thread, sorted into full answers and truncated empty ones (rate limiting's slip).
 * Queries carry their index as id; sending pauses briefly every 100 queries so that no reply is lost to a full
 * socket buffer: what is missing was not sent by the server.
 */
public final class UdpFlood {
    private static final int QUIET_MS = 1000;

    /**
     * @param answered  replies with TC clear and at least one answer record
     * @param truncated replies with TC set, no records, and the question echoed (the slip form)
     * @param other     any other reply, described
     */
    public record Result(int sent, int answered, int truncated, List<String> other, long sendMillis) {
        public int unanswered() {
            return sent - answered - truncated - other.size();
        }

        @Override
        public String toString() {
            return sent + " sent in " + sendMillis + " ms: " + answered + " answered, " + truncated + " truncated, "
                    + unanswered() + " without reply, other: " + other;
        }
    }

    private UdpFlood() {
    }

    /** {@code name} A, id {@code id}, optionally with a client subnet (ECS) {@code subnet}/{@code prefix}. */
    public static byte[] query(int id, String name, String subnet, int prefix) {
        try {
            Message m = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
            m.getHeader().setID(id);
            if (subnet != null) {
                m.addRecord(new OPTRecord(1232, 0, 0, 0,
                        List.of(new ClientSubnetOption(prefix, InetAddress.getByName(subnet)))), Section.ADDITIONAL);
            }
            return m.toWire();
        } catch (TextParseException | UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Sends {@code queries} (ids 0, 1, 2, ... in order) from {@code local} and sorts the replies. */
    public static Result send(InetSocketAddress server, String local, List<byte[]> queries) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(local), 0))) {
            socket.setReceiveBufferSize(4 << 20);
            socket.connect(server);
            List<byte[]> replies = Collections.synchronizedList(new ArrayList<>());
            Thread receiver = new Thread(() -> receive(socket, replies, queries.size()), "udp-flood-receiver");
            receiver.start();
            long start = System.nanoTime();
            for (int i = 0; i < queries.size(); i++) {
                byte[] q = queries.get(i);
                socket.send(new DatagramPacket(q, q.length));
                if (i % 100 == 99) {
                    Thread.sleep(2);
                }
            }
            long sendMillis = (System.nanoTime() - start) / 1_000_000;
            receiver.join(30_000);
            return sort(queries.size(), replies, sendMillis);
        } catch (IOException e) {
            throw new AssertionError("UDP flood from " + local + " to " + server + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void receive(DatagramSocket socket, List<byte[]> replies, int expected) {
        try {
            socket.setSoTimeout(QUIET_MS);
            while (replies.size() < expected) {
                try {
                    replies.add(Wire.receive(socket));
                } catch (SocketTimeoutException e) {
                    return; // quiet for a second: everything that was coming has come
                }
            }
        } catch (IOException e) {
            // socket closed: done
        }
    }

    private static Result sort(int sent, List<byte[]> replies, long sendMillis) {
        int answered = 0;
        int truncated = 0;
        List<String> other = new ArrayList<>();
        for (byte[] reply : replies) {
            Message m = Wire.parse(reply);
            boolean tc = Wire.tc(reply);
            int records = m.getSection(Section.ANSWER).size() + m.getSection(Section.AUTHORITY).size();
            if (!tc && m.getRcode() == 0 && !m.getSection(Section.ANSWER).isEmpty()) {
                answered++;
            } else if (tc && records == 0 && m.getQuestion() != null && Wire.qr(reply)) {
                truncated++;
            } else {
                other.add("id " + Wire.id(reply) + " rcode " + m.getRcode() + " tc " + tc + " records " + records);
            }
        }
        return new Result(sent, answered, truncated, other, sendMillis);
    }
}
