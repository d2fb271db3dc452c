package geodns.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signed view of docs/operations.md, "Shared health": written, read back, and its signature checked. */
class PeerViewTest {
    private static final PeerSecret SECRET = new PeerSecret("0123456789abcdef0123".getBytes(StandardCharsets.UTF_8));
    private static final Instant NOW = Instant.parse("2026-12-07T02:40:00.123Z");

    private static HealthView view() {
        return new HealthView(Map.of(
                "lon-1", new NodeHealth(true, "HTTP 200", 1.25, NOW.minusSeconds(1), NOW.minusSeconds(60), 7, true),
                "sgp-\"1\"", NodeHealth.initial(false, NOW)));
    }

    @Test
    void aViewReadsBackAsItWasWritten() throws Exception {
        PeerView read = PeerView.read(PeerView.body("lon-1", NOW, "00112233445566778899aabbccddeeff", view())
                .getBytes(StandardCharsets.UTF_8));
        assertEquals("lon-1", read.instance());
        assertEquals(NOW, read.time());
        assertEquals("00112233445566778899aabbccddeeff", read.nonce());
        assertEquals(new PeerView.Verdict(true, 7, true, "HTTP 200", 1.25, NOW.minusSeconds(1)),
                read.nodes().get("lon-1"));
        PeerView.Verdict unprobed = read.nodes().get("sgp-\"1\"");
        assertFalse(unprobed.up());
        assertTrue(Double.isNaN(unprobed.latencyMillis()));
        assertEquals(null, unprobed.when());
    }

    @Test
    void theSignatureOfTheSameSecretVerifies() {
        byte[] body = PeerView.body("lon-1", NOW, "n0n0n0n0n0n0n0n0", view()).getBytes(StandardCharsets.UTF_8);
        assertTrue(SECRET.verifies(body, SECRET.sign(body)));
    }

    @Test
    void anotherSecretsSignatureDoesNotVerify() {
        byte[] body = PeerView.body("lon-1", NOW, "n0n0n0n0n0n0n0n0", view()).getBytes(StandardCharsets.UTF_8);
        PeerSecret other = new PeerSecret("0123456789abcdef0124".getBytes(StandardCharsets.UTF_8));
        assertFalse(SECRET.verifies(body, other.sign(body)));
    }

    @Test
    void aChangedBodyDoesNotVerify() {
        String body = PeerView.body("lon-1", NOW, "n0n0n0n0n0n0n0n0", view());
        String signature = SECRET.sign(body);
        String tampered = body.replace("\"up\":true", "\"up\":false");
        assertFalse(SECRET.verifies(tampered.getBytes(StandardCharsets.UTF_8), signature));
    }

    @Test
    void aMissingOrMisshapenSignatureDoesNotVerify() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        assertFalse(SECRET.verifies(body, null));
        assertFalse(SECRET.verifies(body, "xyz"));
        assertFalse(SECRET.verifies(body, SECRET.sign(body).substring(2)));
    }

    @Test
    void theSecretIsNeverPrinted() {
        assertFalse(SECRET.toString().contains("0123456789"));
    }

    @Test
    void garbageIsMalformed() {
        for (String body : new String[] {"", "garbage", "[1,2]", "{\"geodns_view\":2}",
            "{\"geodns_view\":1,\"instance\":\"a\",\"time_ms\":\"soon\",\"nonce\":\"n\",\"nodes\":{}}",
            "{\"geodns_view\":1,\"instance\":\"a\",\"time_ms\":1,\"nonce\":\"n\",\"nodes\":{\"x\":{\"up\":\"yes\"}}}",
            "{\"geodns_view\":1,\"instance\":\"a\",\"time_ms\":1,\"nonce\":\"n\",\"nodes\":{},\"nodes\":{}}",
            "{\"geodns_view\":1, &a [1], *a}", "{\"geodns_view\":1} trailing", "{\"geodns_view\":01}",
            "{\"geodns_view\":1,\"instance\":\"unterminated}", "[[[[[[[[[[1]]]]]]]]]]", "{\"geodns_view\":1,}"}) {
            assertThrows(PeerView.Malformed.class, () -> PeerView.read(body.getBytes(StandardCharsets.UTF_8)), body);
        }
    }

    @Test
    void aViewAboveTheCapIsMalformed() {
        assertThrows(PeerView.Malformed.class, () -> PeerView.read(new byte[PeerView.MAX_BYTES + 1]));
    }
}
