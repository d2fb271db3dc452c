package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP(S) probe: which statuses count as up, what is sent, and TLS. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HttpProbeTest extends ProbeFixture {
    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503, 404})
    void serverAnsweringAnErrorStatusIsDown(int status) throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> status;
        Prober prober = start(endpoint.target("lon-1"), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
        assertEquals("HTTP " + status, prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void serverThatDoesNotSpeakHttpIsDown() throws Exception {
        InetAddress address = InetAddress.getByName("127.0.3.251");
        try (ServerSocket garbage = new ServerSocket(0, 16, address)) {
            Thread talker = new Thread(() -> {
                while (!garbage.isClosed()) {
                    try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                        out.write("hello there\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            talker.setDaemon(true);
            talker.start();
            ProbeTarget target = httpTarget("chatty", URI.create("http://127.0.3.251:" + garbage.getLocalPort()
                    + "/ping"), null, 200, 399, TIMEOUT, INTERVAL, 0, 2, 2, true, false);
            Prober prober = start(target, new Changes());
            await("down", () -> !isUp(prober, "chatty"));
            prober.close();
        }
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {200, 204, 301, 302, 399})
    void statusInTheDefaultRangeIsUp(int status) throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> status;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), new Changes());
        await("up", () -> isUp(prober, "lon-1"));
        assertEquals("HTTP " + status, prober.view().nodes().get("lon-1").lastResult());
    }

    @Test
    void redirectIsNotFollowed() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 301;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 399, false), new Changes());
        await("up", () -> isUp(prober, "lon-1"));
        assertTrue(endpoint.paths.stream().allMatch("/ping"::equals), () -> "paths: " + endpoint.paths);
    }

    @Test
    void customExpectOf200Makes204Down() throws Exception {
        Endpoint endpoint = new Endpoint();
        endpoint.status = n -> 204;
        Prober prober = start(with(endpoint.target("lon-1"), 200, 200, true), new Changes());
        await("down", () -> !isUp(prober, "lon-1"));
    }

    @Test
    void customExpectOf200KeepsA200Up() throws Exception {
        Endpoint endpoint = new Endpoint();
        Changes changes = new Changes();
        Prober prober = start(with(endpoint.target("lon-1"), 200, 200, true), changes);
        await("probed four times", () -> endpoint.requests.get() >= 4);
        assertTrue(isUp(prober, "lon-1"));
        assertEquals(0, changes.count());
    }

    @Test
    void configuredHostHeaderIsTheOneTheServerSees() throws Exception {
        Endpoint endpoint = new Endpoint();
        start(withHost(endpoint.target("lon-1"), "app.example.com"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        assertTrue(endpoint.hosts.stream().allMatch("app.example.com"::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void withoutAConfiguredHostTheUrlsHostAndPortAreSent() throws Exception {
        Endpoint endpoint = new Endpoint();
        start(endpoint.target("lon-1"), new Changes());
        await("probed twice", () -> endpoint.requests.get() >= 2);
        String expected = endpoint.address.getHostAddress() + ":" + endpoint.port;
        assertTrue(endpoint.hosts.stream().allMatch(expected::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void urlPathAndQueryAreRequested() throws Exception {
        Endpoint endpoint = new Endpoint();
        ProbeTarget base = endpoint.target("lon-1");
        ProbeTarget target = httpTarget("lon-1", endpoint.url("/health/ready?full=1"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        start(target, new Changes());
        await("probed", () -> endpoint.requests.get() >= 1);
        assertEquals("/health/ready?full=1", endpoint.paths.get(0));
        assertEquals(http(base).url().getPort(), http(target).url().getPort());
    }

    @Test
    void ipv6NodeIsProbed() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"), 0), 16);
        AtomicInteger requests = new AtomicInteger();
        List<String> hosts = new CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        cleanup.add(() -> server.stop(0));
        int port = server.getAddress().getPort();
        ProbeTarget target = httpTarget("v6", URI.create("http://[::1]:" + port + "/ping"), null, 200, 399,
                TIMEOUT, INTERVAL, 0, 2, 2, true, false);
        Prober prober = start(target, new Changes());
        await("down on 503", () -> !isUp(prober, "v6"));
        assertEquals("[::1]:" + port, hosts.get(0));
    }

    @Test
    void insecureNodeWithASelfSignedCertificateIsProbedWithSniOfTheHostHeader() throws Exception {
        TlsEndpoint endpoint = new TlsEndpoint();
        ProbeTarget target = httpTarget("tls", URI.create("https://" + endpoint.address.getHostAddress() + ":"
                + endpoint.port + "/ping"), "app.example.com", 200, 399, Duration.ofSeconds(5), INTERVAL, 0, 2, 2,
                false, true);
        Prober prober = start(target, new Changes());
        await("up over TLS", () -> isUp(prober, "tls"));
        assertTrue(endpoint.sniNames.contains("app.example.com"), () -> "SNI: " + endpoint.sniNames);
        assertTrue(endpoint.requestLines.stream().allMatch(l -> l.equals("GET /ping HTTP/1.1")),
                () -> "requests: " + endpoint.requestLines);
        assertTrue(endpoint.hosts.stream().allMatch("app.example.com"::equals), () -> "hosts: " + endpoint.hosts);
    }

    @Test
    void certificateIsCheckedByDefault() throws Exception {
        TlsEndpoint endpoint = new TlsEndpoint();
        ProbeTarget target = httpTarget("tls", URI.create("https://" + endpoint.address.getHostAddress() + ":"
                + endpoint.port + "/ping"), "app.example.com", 200, 399, Duration.ofSeconds(5), INTERVAL, 0, 2, 2,
                true, false);
        Prober prober = start(target, new Changes());
        await("down: the self-signed certificate is not trusted", () -> !isUp(prober, "tls"));
        assertEquals(0, endpoint.requestLines.size(), "no request is sent over an untrusted connection");
    }

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path keys;
    private static java.nio.file.Path keystore;

    /** A PKCS12 keystore with a self-signed certificate for app.example.com, made by the JDK's keytool. */
    static synchronized java.nio.file.Path keystore() throws Exception {
        if (keystore == null) {
            java.nio.file.Path file = keys.resolve("server.p12");
            String keytool = System.getProperty("java.home") + "/bin/keytool";
            Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=app.example.com", "-ext", "SAN=dns:app.example.com",
                    "-validity", "2", "-keystore", file.toString(), "-storetype", "PKCS12",
                    "-storepass", "changeit", "-keypass", "changeit")
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, () -> "keytool: " + output);
            keystore = file;
        }
        return keystore;
    }

    /** A one-connection-at-a-time HTTPS endpoint that records SNI names, request lines and Host headers. */
    final class TlsEndpoint implements AutoCloseable {
        final InetAddress address = InetAddress.getByName("127.0.3." + NEXT_ADDRESS.getAndIncrement());
        final int port;
        final List<String> sniNames = new CopyOnWriteArrayList<>();
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        private final javax.net.ssl.SSLServerSocket socket;

        TlsEndpoint() throws Exception {
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            try (InputStream in = java.nio.file.Files.newInputStream(keystore())) {
                store.load(in, "changeit".toCharArray());
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            socket = (javax.net.ssl.SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 16, address);
            javax.net.ssl.SSLParameters params = socket.getSSLParameters();
            params.setSNIMatchers(List.of(new javax.net.ssl.SNIMatcher(javax.net.ssl.StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(javax.net.ssl.SNIServerName name) {
                    sniNames.add(((javax.net.ssl.SNIHostName) name).getAsciiName());
                    return true;
                }
            }));
            socket.setSSLParameters(params);
            port = socket.getLocalPort();
            Thread serve = new Thread(this::serve, "tls-endpoint");
            serve.setDaemon(true);
            serve.start();
            cleanup.add(this);
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.setSoTimeout(2_000);
                    InputStream in = s.getInputStream();
                    requestLines.add(firstLine(in));
                    for (String header = firstLine(in); !header.isEmpty(); header = firstLine(in)) {
                        if (header.toLowerCase(java.util.Locale.ROOT).startsWith("host:")) {
                            hosts.add(header.substring(5).trim());
                        }
                    }
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                } catch (IOException handshakeFailedOrClosed) {
                    // an untrusting client hangs up during the handshake; the next one may not
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

}
