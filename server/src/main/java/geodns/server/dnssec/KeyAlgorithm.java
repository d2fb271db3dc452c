package geodns.server.dnssec;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The DNSSEC algorithms geodns signs with (RFC 8624's recommended ones with short signatures, which keep signed
 * answers within one UDP packet): their numbers, their names in BIND's {@code .private} files, and how their
 * private keys are written there (ECDSA: the 32-byte scalar; Ed25519: the 32-byte seed, RFC 8080).
 */
public enum KeyAlgorithm {
    ECDSAP256SHA256(13, "SHA256withECDSA"),
    ED25519(15, "Ed25519");

    private static final int KEY_BYTES = 32;

    private final int number;
    private final String signature;

    KeyAlgorithm(int number, String signature) {
        this.number = number;
        this.signature = signature;
    }

    public int number() {
        return number;
    }

    /** As BIND writes it: {@code 13 (ECDSAP256SHA256)}. */
    public String described() {
        return number + " (" + name() + ")";
    }

    /** null when geodns does not sign with algorithm {@code number}. */
    public static KeyAlgorithm of(int number) {
        return Arrays.stream(values()).filter(a -> a.number == number).findFirst().orElse(null);
    }

    public static String supported() {
        return String.join(" or ", Arrays.stream(values()).map(KeyAlgorithm::described).toList());
    }

    KeyPair generate() throws GeneralSecurityException {
        if (this == ED25519) {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** The private key as the {@code PrivateKey:} field carries it, before base64. */
    byte[] privateBytes(PrivateKey key) {
        if (key instanceof EdECPrivateKey ed) {
            return ed.getBytes().orElseThrow();
        }
        byte[] s = ((ECPrivateKey) key).getS().toByteArray();
        byte[] fixed = new byte[KEY_BYTES];
        int copied = Math.min(s.length, KEY_BYTES);
        System.arraycopy(s, s.length - copied, fixed, KEY_BYTES - copied, copied);
        return fixed;
    }

    /** @throws IllegalArgumentException the bytes are not a key of this algorithm (the reason has no key bytes) */
    PrivateKey privateKey(byte[] bytes) throws GeneralSecurityException {
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("PrivateKey is " + bytes.length + " bytes, " + name() + " needs "
                    + KEY_BYTES);
        }
        if (this == ED25519) {
            return KeyFactory.getInstance("Ed25519").generatePrivate(
                    new EdECPrivateKeySpec(NamedParameterSpec.ED25519, bytes));
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(new BigInteger(1, bytes),
                parameters.getParameterSpec(ECParameterSpec.class)));
    }

    /** Whether {@code privateKey} is the other half of {@code publicKey}: what one signs, the other verifies. */
    boolean pair(PrivateKey privateKey, PublicKey publicKey) {
        byte[] probe = "geodns: does this private key belong to this DNSKEY?".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(signature);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(signature);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    static List<Integer> numbers() {
        return Arrays.stream(values()).map(KeyAlgorithm::number).toList();
    }
}
