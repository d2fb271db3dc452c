package geodns.server.transport;

import geodns.server.answer.Answerer;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** One address's UDP sockets on the native transport: a socket and a thread per core, as gdnsd and Knot do. */
final class NativeUdpListener implements AutoCloseable {
    private static final int SOCKET_BUFFER = 4 << 20;
    /** The largest query: any DNS message (RFC 1035 §4.2.2 sizes one in 16 bits), so every legal one is read whole. */
    static final int MAX_QUERY = 65535;

    private final List<NativeUdpLoop> loops = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Integer> sockets = new ArrayList<>();

    private NativeUdpListener() {
    }

    static NativeUdpListener bind(InetSocketAddress address, int count, Answerer answerer) throws BindException {
        NativeUdpListener listener = new NativeUdpListener();
        byte[] ip = address.getAddress().getAddress();
        for (int i = 0; i < count; i++) {
            int fd = NativeUdp.open(ip, address.getPort(), SOCKET_BUFFER);
            if (fd < 0) {
                listener.close();
                throw new BindException(reason(-fd) + ": udp " + DnsServer.format(address));
            }
            listener.sockets.add(fd);
            listener.loops.add(new NativeUdpLoop(fd, answerer));
        }
        for (int i = 0; i < count; i++) {
            Thread thread = answerer.newThread(listener.loops.get(i), "udp-" + DnsServer.format(address) + "-" + i);
            thread.setDaemon(true);
            thread.start();
            listener.threads.add(thread);
        }
        return listener;
    }

    /** The wording of Java's own BindException for the errors a bind meets in practice. */
    private static String reason(int errno) {
        return switch (errno) {
            case 98 -> "Address already in use";
            case 99 -> "Cannot assign requested address";
            case 13 -> "Permission denied";
            case 97 -> "Address family not supported by protocol";
            default -> "errno " + errno;
        };
    }

    /** Stops taking queries; each thread sends the replies of the batch it holds, then its socket closes. */
    @Override
    public void close() {
        loops.forEach(NativeUdpLoop::stop);
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sockets.forEach(NativeUdp::close);
    }
}
