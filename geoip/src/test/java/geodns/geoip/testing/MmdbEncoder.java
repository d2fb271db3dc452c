package geodns.geoip.testing;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Encodes values in the MaxMind DB data section format (spec 2.0, "Data Section"): a control byte with the type in
 * its top 3 bits (extended types in a second byte) and the size in its low 5 bits (with 1-3 more bytes for large
 * sizes), then the payload. No pointers: each value is written in full, and {@link MmdbWriter} dedups records.
 */
final class MmdbEncoder {

    private static final int STRING = 2, DOUBLE = 3, BYTES = 4, UINT16 = 5, UINT32 = 6, MAP = 7,
            INT32 = 8, UINT64 = 9, UINT128 = 10, ARRAY = 11, BOOLEAN = 14, FLOAT = 15;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    int size() {
        return out.size();
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /** Appends one value; returns its offset. */
    int write(Object value) {
        int offset = out.size();
        encode(value);
        return offset;
    }

    private void encode(Object v) {
        if (v instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            control(STRING, utf8.length);
            out.writeBytes(utf8);
        } else if (v instanceof Double d) {
            control(DOUBLE, 8);
            out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
        } else if (v instanceof Float f) {
            control(FLOAT, 4);
            out.writeBytes(ByteBuffer.allocate(4).putFloat(f).array());
        } else if (v instanceof MmdbWriter.Uint16 u) {
            unsigned(UINT16, BigInteger.valueOf(u.value()));
        } else if (v instanceof MmdbWriter.Uint32 u) {
            unsigned(UINT32, BigInteger.valueOf(u.value()));
        } else if (v instanceof Integer i) {
            if (i >= 0) {
                unsigned(UINT32, BigInteger.valueOf(i));
            } else {
                control(INT32, 4);
                out.writeBytes(ByteBuffer.allocate(4).putInt(i).array());
            }
        } else if (v instanceof Long l) {
            if (l < 0) {
                throw new IllegalArgumentException("MaxMind DB has no signed 64-bit type: " + l);
            }
            unsigned(UINT64, BigInteger.valueOf(l));
        } else if (v instanceof BigInteger b) {
            unsigned(UINT128, b);
        } else if (v instanceof Boolean b) {
            control(BOOLEAN, b ? 1 : 0);
        } else if (v instanceof byte[] bytes) {
            control(BYTES, bytes.length);
            out.writeBytes(bytes);
        } else if (v instanceof List<?> list) {
            control(ARRAY, list.size());
            list.forEach(this::encode);
        } else if (v instanceof Map<?, ?> map) {
            // Sorted keys: the same map always encodes to the same bytes.
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((k, val) -> sorted.put((String) k, val));
            control(MAP, sorted.size());
            sorted.forEach((k, val) -> {
                encode(k);
                encode(val);
            });
        } else {
            throw new IllegalArgumentException("cannot encode " + (v == null ? "null" : v.getClass().getName())
                    + " in a MaxMind DB: use String, Double, Float, Integer, Long, BigInteger, Boolean, byte[],"
                    + " List, Map or MmdbWriter.Uint16/Uint32");
        }
    }

    private void unsigned(int type, BigInteger value) {
        int maxBytes = switch (type) {
            case UINT16 -> 2;
            case UINT32 -> 4;
            case UINT64 -> 8;
            default -> 16;
        };
        if (value.signum() < 0 || value.bitLength() > maxBytes * 8) {
            throw new IllegalArgumentException(value + " does not fit an unsigned " + maxBytes * 8 + "-bit field");
        }
        byte[] raw = value.toByteArray();                // big-endian, maybe with a leading 0 sign byte
        int start = 0;
        while (start < raw.length && raw[start] == 0) {
            start++;                                      // minimal length: zero is encoded in 0 bytes
        }
        control(type, raw.length - start);
        out.write(raw, start, raw.length - start);
    }

    private void control(int type, int size) {
        int sizeBits;
        byte[] extra;
        if (size < 29) {
            sizeBits = size;
            extra = new byte[0];
        } else if (size < 29 + 256) {
            sizeBits = 29;
            extra = new byte[] {(byte) (size - 29)};
        } else if (size < 285 + 65_536) {
            sizeBits = 30;
            int s = size - 285;
            extra = new byte[] {(byte) (s >> 8), (byte) s};
        } else {
            sizeBits = 31;
            int s = size - 65_821;
            extra = new byte[] {(byte) (s >> 16), (byte) (s >> 8), (byte) s};
        }
        if (type <= 7) {
            out.write(type << 5 | sizeBits);
        } else {
            out.write(sizeBits);          // type bits 0 = "extended": the type follows, less 7
            out.write(type - 7);
        }
        out.writeBytes(extra);
    }
}
