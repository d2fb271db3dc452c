package geodns.e2e.support;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Zone transfers with dig, and what dig printed of them. */
public final class Axfr {
    /** A TSIG key the transfer tests share: name, and its base64 secret. */
    public static final String KEY = "secondary";
    public static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtMzItYnl0ZXMhIQ==";
    public static final String OTHER_KEY = "other";
    public static final String OTHER_SECRET = "b3RoZXItb3RoZXItb3RoZXItb3RoZXItMzItYnl0ZXM=";
    private static final Pattern SIZE =
            Pattern.compile(";; XFR size: (\\d+) records \\(messages (\\d+), bytes (\\d+)\\)");

    private Axfr() {
    }

    /** What one transfer brought: the records in order, how many messages, and dig's whole output. */
    public record Transfer(List<Rr> records, int messages, String text) {
        public boolean complete() {
            return messages > 0 && records.size() >= 2 && records.get(0).type().equals("SOA")
                    && records.get(records.size() - 1).type().equals("SOA");
        }

        public List<String> keys() {
            return Reply.keys(records);
        }
    }

    /** {@code dig @server zone AXFR args...} (TCP, as dig always does for AXFR). */
    public static Transfer dig(InetSocketAddress server, String zone, String type, String... args) {
        List<String> all = new ArrayList<>(List.of(zone, type));
        all.addAll(List.of(args));
        Dig.Output out = Dig.run(server, all.toArray(new String[0]));
        return parse(out.text());
    }

    /** dig's {@code -y} argument for a hmac-sha256 key. */
    public static String key(String name, String secret) {
        return "-y" + "hmac-sha256:" + name + ":" + secret;
    }

    static Transfer parse(String text) {
        List<Rr> records = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith(";") || line.startsWith("$")) {
                continue;
            }
            String[] f = line.trim().split("\\s+", 5);
            if (f.length >= 4 && !f[3].equals("TSIG")) {
                records.add(new Rr(f[0], Long.parseLong(f[1]), f[2], f[3], f.length > 4 ? f[4] : ""));
            }
        }
        Matcher m = SIZE.matcher(text);
        return new Transfer(List.copyOf(records), m.find() ? Integer.parseInt(m.group(2)) : 0, text);
    }
}
