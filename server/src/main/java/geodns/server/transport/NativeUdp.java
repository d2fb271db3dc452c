package geodns.server.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The socket calls of src/main/c/udp.c: recvmmsg and sendmmsg on one blocking SO_REUSEPORT socket per thread.
 * The library is in the jar for linux x86_64 and aarch64; elsewhere {@link #unavailable} says why, and UDP goes
 * through Netty instead.
 */
final class NativeUdp {
    /**
     * A slot record in the meta buffer: see udp.c. Java reads and writes only the fields named here; the rest
     * (sender length, the query's pktinfo that becomes the reply's source address) goes from recvmmsg to sendmmsg
     * untouched.
     */
    static final int SLOT_RECORD = 128;
    static final int RECEIVED = 0;
    static final int REPLY_OFFSET = 4;
    static final int REPLY_LENGTH = 8;
    static final int ADDRESS = 16;

    private static final String UNAVAILABLE = load();

    private NativeUdp() {
    }

    /** Null when the library is loaded, else why not. */
    static String unavailable() {
        return UNAVAILABLE;
    }

    private static String load() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
        String resource = "/native/linux-" + arch + "/libgeodns-udp.so";
        if (!os.contains("linux")) {
            return "not Linux (" + os + ")";
        }
        try (InputStream library = NativeUdp.class.getResourceAsStream(resource)) {
            if (library == null) {
                return "no " + resource + " in the jar for " + arch;
            }
            // Loaded from a copy, as Netty loads its own: a library inside a jar cannot be mapped in place.
            Path copy = Files.createTempFile("geodns-udp", ".so");
            try {
                Files.copy(library, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
            } finally {
                Files.deleteIfExists(copy);
            }
            int record = slotRecord();
            return record == SLOT_RECORD ? null
                    : resource + ": slot records of " + record + " bytes, not " + SLOT_RECORD + " (a stale build)";
        } catch (IOException | UnsatisfiedLinkError | SecurityException e) {
            return resource + ": " + e;
        }
    }

    /**
     * A bound socket for {@code address} (4 or 16 bytes): the descriptor, or -errno. An IPv6 socket is IPv6 only,
     * so that 0.0.0.0 and :: can both be bound on one port; a wildcard socket replies from the address each
     * query was sent to.
     */
    static native int open(byte[] address, int port, int bufferBytes);

    /**
     * Waits for a datagram, then takes what else is queued, up to {@code count}: datagram i lands at
     * {@code in[i * slotSize]} and its sender in meta's slot record i.
     *
     * @return how many arrived; 0 after a {@link #shutdown}; -errno on failure. It blocks without a time limit:
     *     a wake-up every so often on an idle socket would run a path the JIT compiled out under load, and the
     *     deoptimized loop then answered slowly for seconds when the load came back
     */
    static native int receive(int fd, ByteBuffer in, int slotSize, int count, ByteBuffer meta);

    /** Sends, through sendmmsg, the reply of each of the slots [0, count) that has one; returns how many left. */
    static native int send(int fd, ByteBuffer out, ByteBuffer meta, int count);

    /**
     * {@code bytes} of memory mapped for receive slots, or null: pages become resident only when a datagram
     * reaches them (see udp.c); {@link #unmap} it once no thread uses it.
     */
    static native ByteBuffer map(long bytes);

    static native void unmap(ByteBuffer mapped);

    /** The size of a slot record in udp.c, which must be {@link #SLOT_RECORD}. */
    private static native int slotRecord();

    /** Wakes the threads blocked in {@link #receive} on {@code fd}. */
    static native void shutdown(int fd);

    static native void close(int fd);
}
