package geodns.server.admin;

import java.util.List;
import java.util.Map;

/**
 * The status page: every location on a world map (inline SVG, equirectangular, no external assets, so it works
 * offline), its nodes coloured by health with the last probe, the zones with their serials, and the last load.
 * Refreshes itself every 5 seconds.
 */
final class StatusPage {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;

    private StatusPage() {}

    static String html(Map<String, Object> status) {
        StringBuilder out = new StringBuilder();
        out.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>geodns status</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.25em .7em;")
                .append("border-bottom:1px solid #ddd;text-align:left}.up{color:#1a7f37}.down{color:#c62828}")
                .append("svg{background:#eaf2fb;border:1px solid #b7cbe0;max-width:100%}</style></head><body>")
                .append("<h1>geodns</h1>");
        // A GeoIP database dropped as damaged is an outage of geography, not a detail: shown as one.
        out.append(Boolean.FALSE.equals(status.get("geoip_ok")) ? "<p class=\"down\">GeoIP: " : "<p>GeoIP: ")
                .append(esc(status.get("geoip")));
        if (status.get("geoip_attribution") != null) {
            out.append(" — ").append(esc(status.get("geoip_attribution")));
        }
        out.append("</p>");
        lastLoad(out, status.get("last_load"));
        List<Map<String, Object>> locations = list(status.get("locations"));
        map(out, locations);
        nodes(out, locations);
        zones(out, list(status.get("zones")));
        out.append("<p><a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a> · ")
                .append("explain: <code>/explain?ip=ADDR&amp;name=NAME&amp;type=A</code></p></body></html>\n");
        return out.toString();
    }

    private static void lastLoad(StringBuilder out, Object value) {
        if (!(value instanceof Map<?, ?> load)) {
            return;
        }
        boolean ok = Boolean.TRUE.equals(load.get("ok"));
        out.append("<p>Last load: <span class=\"").append(ok ? "up\">ok" : "down\">FAILED — still serving the "
                + "previous config").append("</span> at ").append(esc(load.get("at"))).append("</p>");
        for (Object error : (List<?>) load.get("errors")) {
            out.append("<pre class=\"down\">").append(esc(error)).append("</pre>");
        }
    }

    private static void map(StringBuilder out, List<Map<String, Object>> locations) {
        out.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT).append("\" width=\"")
                .append(WIDTH).append("\" height=\"").append(HEIGHT).append("\" role=\"img\" aria-label=\"map\">");
        for (int lon = -150; lon <= 150; lon += 30) {
            out.append(line(x(lon), 0, x(lon), HEIGHT, lon == 0 ? "#9db4cc" : "#cfdceb"));
        }
        for (int lat = -60; lat <= 60; lat += 30) {
            out.append(line(0, y(lat), WIDTH, y(lat), lat == 0 ? "#9db4cc" : "#cfdceb"));
        }
        out.append(WorldOutline.PATH);
        for (Map<String, Object> l : locations) {
            double x = x(((Number) l.get("longitude")).doubleValue());
            double y = y(((Number) l.get("latitude")).doubleValue());
            String colour = colour(l);
            out.append(String.format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"%s\" stroke=\"#fff\" "
                    + "stroke-width=\"2\"><title>%s</title></circle>", x, y, colour, esc(l.get("name"))));
            out.append(String.format("<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#222\">%s</text>",
                    x + 10, y + 4, esc(l.get("name"))));
        }
        out.append("</svg>");
    }

    /** Green when every node is up, orange when some are, red when none is. */
    private static String colour(Map<String, Object> location) {
        List<Map<String, Object>> nodes = list(location.get("nodes"));
        long up = nodes.stream().filter(n -> Boolean.TRUE.equals(n.get("up"))).count();
        return up == nodes.size() ? "#1a7f37" : up > 0 ? "#e08a00" : "#c62828";
    }

    private static void nodes(StringBuilder out, List<Map<String, Object>> locations) {
        out.append("<h2>Locations</h2><table><tr><th>location</th><th>node</th><th>addresses</th><th>state</th>")
                .append("<th>last probe</th><th>latency</th><th>in state for</th></tr>");
        for (Map<String, Object> l : locations) {
            for (Map<String, Object> n : list(l.get("nodes"))) {
                boolean up = Boolean.TRUE.equals(n.get("up"));
                out.append("<tr><td>").append(esc(l.get("name"))).append("</td><td>").append(esc(n.get("name")))
                        .append("</td><td>").append(esc(join(n.get("ipv4"), n.get("ipv6")))).append("</td><td class=\"")
                        .append(up ? "up\">up" : "down\">down").append("</td><td>")
                        .append(Boolean.TRUE.equals(n.get("probed")) ? esc(n.get("last_result")) : "not probed")
                        .append("</td><td>").append(latency(n.get("last_latency_ms"))).append("</td><td>")
                        .append(n.get("seconds_in_state") == null ? "" : n.get("seconds_in_state") + " s")
                        .append("</td></tr>");
            }
        }
        out.append("</table>");
    }

    private static void zones(StringBuilder out, List<Map<String, Object>> zones) {
        out.append("<h2>Zones</h2><table><tr><th>zone</th><th>serial</th><th>records</th><th>file</th></tr>");
        for (Map<String, Object> z : zones) {
            out.append("<tr><td>").append(esc(z.get("name"))).append("</td><td>").append(esc(z.get("serial")))
                    .append("</td><td>").append(esc(z.get("records"))).append("</td><td>").append(esc(z.get("file")))
                    .append("</td></tr>");
        }
        out.append("</table>");
    }

    private static String latency(Object millis) {
        return millis instanceof Double d && !d.isNaN() ? String.format("%.1f ms", d) : "";
    }

    private static String join(Object a, Object b) {
        return a == null ? String.valueOf(b) : b == null ? a.toString() : a + ", " + b;
    }

    private static String line(double x1, double y1, double x2, double y2, String colour) {
        return String.format("<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\"/>", x1, y1, x2, y2,
                colour);
    }

    static double x(double longitude) {
        return (longitude + 180) * WIDTH / 360.0;
    }

    static double y(double latitude) {
        return (90 - latitude) * HEIGHT / 180.0;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    private static String esc(Object value) {
        return String.valueOf(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
