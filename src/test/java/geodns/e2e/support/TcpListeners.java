package geodns.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on each of some loopback addresses, all on one port, that accepts connections and closes them
 * (what a TCP-connect health check needs from a node). A test closes a node's port, so connects are refused,
 * and opens it again; each address counts the connections it accepted.
 */
public final class TcpListeners implements AutoCloseable {
    private final int port;
    private final Map<String, ServerSocket> open = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();

    private TcpListeners(int port) {
        this.port = port;
    }

    /** Listens on every address of {@code addresses} at one free port. */
    public static TcpListeners start(List<String> addresses) {
        for (int attempt = 0; ; attempt++) {
            TcpListeners listeners = null;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(addresses.get(0)))) {
                listeners = new TcpListeners(probe.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                for (String a : addresses) {
                    listeners.open(a);
                }
                return listeners;
            } catch (UncheckedIOException taken) {
                listeners.close();   // the port was taken on one of the addresses meanwhile: another port
                if (attempt == 5) {
                    throw taken;
                }
            }
        }
    }

    public int port() {
        return port;
    }

    /** Starts (again) accepting on {@code address}. */
    public void open(String address) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(address), port), 16);
            accepted.computeIfAbsent(address, a -> new AtomicInteger());
            open.put(address, socket);
            Thread loop = new Thread(() -> accept(socket, accepted.get(address)), "tcp-listener-" + address);
            loop.setDaemon(true);
            loop.start();
        } catch (IOException e) {
            throw new UncheckedIOException(address + ":" + port, e);
        }
    }

    private static void accept(ServerSocket socket, AtomicInteger count) {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                count.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Stops listening on {@code address}: connects to it are refused from now on. */
    public void close(String address) {
        ServerSocket socket = open.remove(address);
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public boolean isOpen(String address) {
        return open.containsKey(address);
    }

    /** Connections {@code address} has accepted so far. */
    public int accepted(String address) {
        AtomicInteger n = accepted.get(address);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        List.copyOf(open.keySet()).forEach(this::close);
    }
}
