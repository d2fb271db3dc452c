package geodns.server.health;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One instance's own probe verdicts as it sends them to its peers: the body of {@code GET /peer/view?nonce=N}
 * on the admin port, a JSON object signed (header {@link #SIGNATURE_HEADER}) with HMAC-SHA256 of the shared
 * secret over its exact bytes. The format is written out in docs/operations.md, "Shared health"; this class is
 * both its writer and its reader, so the two cannot drift.
 *
 * <p>Only the instance's own verdicts go out, never the merged ones: a merged view sent on would count one
 * instance's opinion again at every hop.
 */
public record PeerView(String instance, Instant time, String nonce, Map<String, Verdict> nodes) {
    public static final String PATH = "/peer/view";
    public static final String SIGNATURE_HEADER = "X-Geodns-Signature";
    public static final int VERSION = 1;
    /** The most a fetcher reads of a view: a node's verdict takes about 150 bytes, so this is over 1500 nodes. */
    public static final int MAX_BYTES = 256 << 10;
    /** What a requester's nonce may be: what it sends (32 hex digits) and what any peer might reasonably send. */
    public static final java.util.regex.Pattern NONCE = java.util.regex.Pattern.compile("[0-9A-Za-z_-]{16,128}");

    public PeerView {
        nodes = Map.copyOf(nodes);
    }

    /**
     * One node as the sending instance sees it: its verdict after rise/fall, the run of agreeing results behind
     * it, the last probe's result and latency (NaN before one answered) and when it was made (null before).
     */
    public record Verdict(boolean up, int streak, boolean lastOk, String lastResult, double latencyMillis,
                          Instant when) {
        static Verdict of(NodeHealth h) {
            return new Verdict(h.up(), h.streak(), h.lastOk(), h.lastResult(), h.lastLatencyMillis(), h.lastProbe());
        }
    }

    /** The view a body says, not yet trusted: check its signature first. */
    public static final class Malformed extends Exception {
        Malformed(String why) {
            super(why);
        }
    }

    /** The body sent for {@code own}, the instance's own prober view. */
    public static String body(String instance, Instant time, String nonce, HealthView own) {
        StringBuilder out = new StringBuilder(64 + 160 * own.nodes().size());
        out.append("{\"geodns_view\":").append(VERSION)
                .append(",\"instance\":").append(quote(instance))
                .append(",\"time_ms\":").append(time.toEpochMilli())
                .append(",\"nonce\":").append(quote(nonce))
                .append(",\"nodes\":{");
        boolean first = true;
        for (Map.Entry<String, NodeHealth> e : new TreeMap<>(own.nodes()).entrySet()) {
            Verdict v = Verdict.of(e.getValue());
            out.append(first ? "" : ",").append(quote(e.getKey())).append(":{\"up\":").append(v.up())
                    .append(",\"streak\":").append(v.streak())
                    .append(",\"last_ok\":").append(v.lastOk())
                    .append(",\"last_result\":").append(quote(v.lastResult()))
                    .append(",\"latency_ms\":").append(Double.isFinite(v.latencyMillis())
                            ? Double.toString(Math.round(v.latencyMillis() * 1000) / 1000.0) : "null")
                    .append(",\"when_ms\":").append(v.when() == null ? "null" : v.when().toEpochMilli())
                    .append('}');
            first = false;
        }
        return out.append("}}").toString();
    }

    /** Reads a body written by {@link #body} (or by any peer that follows the documented format). */
    public static PeerView read(byte[] body) throws Malformed {
        if (body.length > MAX_BYTES) {
            throw new Malformed("larger than " + MAX_BYTES + " bytes");
        }
        Object parsed;
        try {
            parsed = JsonReader.read(new String(body, StandardCharsets.UTF_8));
        } catch (JsonReader.Invalid e) {
            throw new Malformed("not JSON: " + e.getMessage());
        }
        Map<?, ?> top = map(parsed, "the view");
        if (!Long.valueOf(VERSION).equals(top.get("geodns_view"))) {
            throw new Malformed("not a geodns view of version " + VERSION);
        }
        String instance = string(top.get("instance"), "instance");
        if (instance.isEmpty()) {
            throw new Malformed("instance is empty");
        }
        Instant time = Instant.ofEpochMilli(whole(top.get("time_ms"), "time_ms"));
        String nonce = string(top.get("nonce"), "nonce");
        Map<String, Verdict> nodes = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map(top.get("nodes"), "nodes").entrySet()) {
            String node = string(e.getKey(), "a node name");
            Map<?, ?> v = map(e.getValue(), "node " + node);
            Object latency = v.get("latency_ms");
            Object when = v.get("when_ms");
            nodes.put(node, new Verdict(bool(v.get("up"), "up of " + node),
                    (int) Math.min(Integer.MAX_VALUE, Math.max(0, whole(v.get("streak"), "streak of " + node))),
                    bool(v.get("last_ok"), "last_ok of " + node),
                    v.get("last_result") == null ? "" : string(v.get("last_result"), "last_result of " + node),
                    latency == null ? Double.NaN : number(latency, "latency_ms of " + node),
                    when == null ? null : Instant.ofEpochMilli(whole(when, "when_ms of " + node))));
        }
        return new PeerView(instance, time, nonce, nodes);
    }

    private static Map<?, ?> map(Object o, String what) throws Malformed {
        if (o instanceof Map<?, ?> m) {
            return m;
        }
        throw new Malformed(what + " is not an object");
    }

    private static String string(Object o, String what) throws Malformed {
        if (o instanceof String s) {
            return s;
        }
        throw new Malformed(what + " is not a string");
    }

    private static boolean bool(Object o, String what) throws Malformed {
        if (o instanceof Boolean b) {
            return b;
        }
        throw new Malformed(what + " is not true or false");
    }

    private static long whole(Object o, String what) throws Malformed {
        if (o instanceof Long l) {
            return l;
        }
        throw new Malformed(what + " is not a whole number");
    }

    private static double number(Object o, String what) throws Malformed {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        throw new Malformed(what + " is not a number");
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
