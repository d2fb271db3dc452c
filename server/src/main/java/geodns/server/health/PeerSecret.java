package geodns.server.health;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the instances share, and the one thing done with it: HMAC-SHA256 over a view's exact bytes. Never
 * printed ({@link #toString}); equal by content, so a reload of the same file keeps sharing running.
 */
public final class PeerSecret {
    /** Shorter than this is a typo or a placeholder, not a key (openssl rand -hex 32 gives 64). */
    public static final int MIN_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;

    public PeerSecret(byte[] key) {
        if (key.length < MIN_BYTES) {
            throw new IllegalArgumentException("a peer secret needs at least " + MIN_BYTES + " bytes");
        }
        this.key = key.clone();
    }

    /** The signature of {@code body}, as lower-case hex. */
    public String sign(byte[] body) {
        return HexFormat.of().formatHex(mac(body));
    }

    /** True when {@code signature} (hex) is this secret's signature of {@code body}; constant time. */
    public boolean verifies(byte[] body, String signature) {
        if (signature == null || !signature.matches("[0-9a-fA-F]{64}")) {
            return false;
        }
        return MessageDigest.isEqual(mac(body), HexFormat.of().parseHex(signature.toLowerCase(java.util.Locale.ROOT)));
    }

    private byte[] mac(byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    public String sign(String body) {
        return sign(body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerSecret other && MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "PeerSecret[hidden]";
    }
}
