package geodns.server.transport;

import geodns.server.answer.Answerer;
import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread's socket: receive a batch, answer each query into the out buffer, send the batch of replies. Every
 * buffer is this thread's own and reused, so a query allocates nothing but, for a sender not seen lately, its
 * address.
 */
final class NativeUdpLoop implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeUdpLoop.class);
    /** Datagrams per receive; udp.c takes at most 64. */
    static final int BATCH = 32;
    private static final int OUT_BYTES = 64 << 10;
    /** A receive slot: the largest query, in whole pages (udp.c hands back what a large one touched). */
    static final int SLOT = 64 << 10;

    private final int fd;
    private final Answerer answerer;
    private final int slotSize = SLOT;
    /** Mapped by udp.c, so the slots' pages are resident only where datagrams reached; null if it could not. */
    private final ByteBuffer mapped;
    private final ByteBuffer in;
    private final ByteBuffer meta = ByteBuffer.allocateDirect(BATCH * NativeUdp.SLOT_RECORD)
            .order(ByteOrder.nativeOrder());
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
    private final byte[] packet;
    private final byte[] reply = new byte[Codes.MAX_MESSAGE];
    private final Query query = new Query();
    private final SenderAddresses senders = new SenderAddresses();
    private final IntConsumer answerAll = this::answerAll;
    private volatile boolean running = true;

    NativeUdpLoop(int fd, Answerer answerer) {
        this.fd = fd;
        this.answerer = answerer;
        this.mapped = NativeUdp.map((long) BATCH * SLOT);
        this.in = mapped != null ? mapped : ByteBuffer.allocateDirect(BATCH * SLOT);
        this.packet = new byte[SLOT];
    }

    void stop() {
        running = false;
        NativeUdp.shutdown(fd);
    }

    @Override
    public void run() {
        while (running) {
            try {
                int received = NativeUdp.receive(fd, in, slotSize, BATCH, meta);
                if (received < 0) {
                    LOG.warn("udp receive failed: errno {}", -received);
                    pause();
                } else if (received > 0) {
                    answerBatch(received);
                }
            } catch (RuntimeException | InternalError e) {
                // This thread is its socket's only reader: whatever goes wrong costs a batch, never the thread.
                LOG.warn("udp: a batch unanswered: {}", e.toString());
            }
        }
        if (mapped != null) {
            NativeUdp.unmap(mapped);  // this thread was its only user
        }
    }

    private void answerBatch(int received) {
        try {
            MappedFileFault.once(answerAll, received);
        } catch (InternalError again) {
            LOG.debug("udp: a batch of {} queries unanswered: {}", received, again.toString());
        }
    }

    private void answerAll(int received) {
        int used = 0;
        for (int slot = 0; slot < received; slot++) {
            int length = answer(slot);
            if (length > OUT_BYTES - used) {
                NativeUdp.send(fd, out, meta, slot);  // a batch of very large replies: send what fits first
                clearReplies(slot);
                used = 0;
            }
            int record = slot * NativeUdp.SLOT_RECORD;
            meta.putInt(record + NativeUdp.REPLY_OFFSET, used);
            meta.putInt(record + NativeUdp.REPLY_LENGTH, length);
            out.put(used, reply, 0, length);
            used += length;
        }
        NativeUdp.send(fd, out, meta, received);
    }

    /** Answers slot's query into {@link #reply}; returns the reply's length, 0 for none. */
    private int answer(int slot) {
        int record = slot * NativeUdp.SLOT_RECORD;
        int length = meta.getInt(record + NativeUdp.RECEIVED);
        in.get(slot * slotSize, packet, 0, length);
        InetAddress sender = senders.of(meta, record + NativeUdp.ADDRESS);
        try {
            return answerer.answer(packet, length, false, sender, query, reply);
        } catch (RuntimeException e) {
            // One bad query costs its reply, not the batch.
            LOG.debug("udp: no reply to a query from {}: {}", sender, e.toString());
            return 0;
        }
    }

    private void clearReplies(int slots) {
        for (int slot = 0; slot < slots; slot++) {
            meta.putInt(slot * NativeUdp.SLOT_RECORD + NativeUdp.REPLY_LENGTH, 0);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
