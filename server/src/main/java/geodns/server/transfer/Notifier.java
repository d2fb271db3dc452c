package geodns.server.transfer;

import geodns.server.metrics.Metrics;
import geodns.server.wire.Codes;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Tells secondaries that a zone changed (RFC 1996): a NOTIFY over UDP to each configured secondary whenever a
 * load brings a new serial, and once for every zone at start-up, so a secondary that missed changes while we
 * were down catches up. Each NOTIFY is tried until acknowledged, waiting 1, 2, 4, 8 and 16 s for the answer;
 * a newer serial supersedes an older one still being tried.
 */
public final class Notifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("geodns");
    private static final int[] WAITS_MILLIS = {1000, 2000, 4000, 8000, 16000};

    private final Metrics metrics;
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService senders = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "notify");
        t.setDaemon(true);
        return t;
    });
    /** What each zone was last announced as; touched only by the thread that calls {@link #loaded}. */
    private final Map<Name, Announced> announced = new HashMap<>();
    /** The serial each zone has now, read by senders to drop superseded NOTIFYs. */
    private final Map<Name, Long> current = new ConcurrentHashMap<>();

    public Notifier(Metrics metrics) {
        this.metrics = metrics;
    }

    /** After each load: NOTIFY the secondaries of every zone whose serial is new to us. */
    public void loaded(Transfers transfers) {
        Map<Name, Announced> now = new HashMap<>();
        for (ZoneTransfer zone : transfers.zones()) {
            if (zone.rules().secondaries().isEmpty()) {
                continue;
            }
            Announced announcement = new Announced(zone.serial(), zone.rules().secondaries());
            now.put(zone.origin(), announcement);
            current.put(zone.origin(), zone.serial());
            // A new serial, or secondaries added to the list: tell them all (a NOTIFY too many costs one SOA query).
            if (!announcement.equals(announced.get(zone.origin()))) {
                for (InetSocketAddress secondary : zone.rules().secondaries()) {
                    senders.execute(() -> notify(zone, secondary));
                }
            }
        }
        current.keySet().retainAll(now.keySet());
        announced.clear();
        announced.putAll(now);
    }

    private void notify(ZoneTransfer zone, InetSocketAddress secondary) {
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int wait : WAITS_MILLIS) {
                Long serial = current.get(zone.origin());
                if (serial == null || serial != zone.serial()) {
                    return;
                }
                int id = random.nextInt(0x10000);
                Request request = request(zone, id);
                socket.send(new DatagramPacket(request.bytes, request.bytes.length, secondary));
                metrics.notifySent();
                Integer rcode = awaitReply(socket, secondary, id, request, zone.rules().key(), wait);
                if (rcode == null) {
                    continue;
                }
                if (rcode == Rcode.NOERROR) {
                    metrics.notifyAcked();
                    LOG.info("NOTIFY {} serial {} to {}: acknowledged", zone.origin(), zone.serial(), secondary);
                } else {
                    metrics.notifyFailed();
                    LOG.warn("NOTIFY {} serial {} to {}: answered {}", zone.origin(), zone.serial(), secondary,
                            Rcode.string(rcode));
                }
                return;
            }
            metrics.notifyFailed();
            LOG.warn("NOTIFY {} serial {} to {}: no answer after {} tries", zone.origin(), zone.serial(), secondary,
                    WAITS_MILLIS.length);
        } catch (IOException | RuntimeException e) {
            metrics.notifyFailed();
            LOG.warn("NOTIFY {} serial {} to {}: {}", zone.origin(), zone.serial(), secondary, e.toString());
        }
    }

    private record Announced(long serial, java.util.List<InetSocketAddress> secondaries) {}

    private record Request(byte[] bytes, TSIGRecord tsig) {}

    /** RFC 1996 §3.7: opcode NOTIFY, AA, the zone's SOA as question and (as a hint of the serial) as answer. */
    static Request request(ZoneTransfer zone, int id) {
        Message m = new Message(id);
        m.getHeader().setOpcode(Opcode.NOTIFY);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(Record.newRecord(zone.origin(), Type.SOA, DClass.IN), Section.QUESTION);
        m.addRecord(zone.soa(), Section.ANSWER);
        byte[] wire = m.toWire();
        TsigKey key = zone.rules().key();
        if (key == null) {
            return new Request(wire, null);
        }
        byte[] signed = Arrays.copyOf(wire, wire.length + key.recordLength());
        TSIGRecord tsig = key.sign(wire, wire.length, id, null, true);
        int length = TsigKey.append(signed, wire.length, tsig);
        return new Request(Arrays.copyOf(signed, length), tsig);
    }

    /** The rcode of the secondary's reply to {@code request}, or null when none came in time (or it was forged). */
    private static Integer awaitReply(DatagramSocket socket, InetSocketAddress secondary, int id, Request request,
                                      TsigKey key, int waitMillis) throws IOException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        byte[] buffer = new byte[Codes.MAX_MESSAGE];
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
            if (!secondary.equals(packet.getSocketAddress()) || packet.getLength() < 12) {
                continue;
            }
            int replyId = (buffer[0] & 0xff) << 8 | buffer[1] & 0xff;
            boolean response = (buffer[2] & 0x80) != 0;
            int opcode = (buffer[2] >>> 3) & 0xf;
            if (replyId != id || !response || opcode != Opcode.NOTIFY) {
                continue;
            }
            if (key != null) {
                Verified checked = key.verify(buffer, packet.getLength(), request.tsig);
                if (!checked.ok()) {
                    LOG.warn("NOTIFY reply from {} fails TSIG: {}", secondary, Rcode.TSIGstring(checked.error()));
                    continue;
                }
            }
            return buffer[3] & 0xf;
        }
    }

    @Override
    public void close() {
        senders.shutdownNow();
    }
}
