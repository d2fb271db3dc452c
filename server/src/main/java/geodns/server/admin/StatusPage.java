package geodns.server.admin;

import geodns.geoip.GeoPlace;
import geodns.server.answer.Catchment;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status page: a banner while any geo name fails open; every location on a world map (inline SVG,
 * equirectangular, no external assets, so it works offline) coloured by health, with a legend; for each geo name
 * a catchment map, each country's point coloured by the location its clients are answered with now; the nodes
 * with their last probe; the zones with their serials; the last load. Times are UTC to the second. Refreshes
 * itself every 5 seconds, so a health change shows within one refresh of the snapshot that made it.
 */
final class StatusPage {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 360;
    private static final String UP = "#1a7f37";
    private static final String SOME = "#e08a00";
    private static final String DOWN = "#c62828";
    /** Location colours for catchments: no red or green, which mean health on the first map. */
    private static final String[] PALETTE = {"#1f5fbf", "#ff8c1a", "#8e44ad", "#17a2b8", "#8c564b", "#e377c2",
        "#bcbd22", "#393b79", "#7f7f7f", "#00897b", "#f4b400", "#5c6bc0"};
    /** An estimate of a 12 px system-ui label's advance per character, generous so that estimates never undershoot. */
    private static final double CHAR_WIDTH = 7.2;
    private static final double LABEL_HEIGHT = 14;
    private static final double MARKER_RADIUS = 7;

    private StatusPage() {}

    static String html(Status status) {
        StringBuilder out = new StringBuilder();
        out.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>geodns status</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{padding:.25em .7em;")
                .append("border-bottom:1px solid #ddd;text-align:left}.up{color:#1a7f37}.down{color:#c62828}")
                .append("svg{background:#eaf2fb;border:1px solid #b7cbe0;max-width:100%}")
                .append(".banner{background:#c62828;color:#fff;padding:.8em 1em;margin:0 0 1em;font-weight:600}")
                .append(".legend{list-style:none;padding:0;margin:.3em 0 1.5em;display:flex;flex-wrap:wrap;gap:.4em 1.4em}")
                .append(".swatch{display:inline-block;width:.9em;height:.9em;border-radius:50%;margin-right:.35em;")
                .append("vertical-align:-.1em;border:1px solid #0003}.label{font-size:12px;paint-order:stroke;stroke:#fff;stroke-width:3px;")
                .append("stroke-linejoin:round}</style></head><body>")
                .append("<h1>geodns</h1>");
        failOpenBanner(out, status.failOpenNames());
        ownViewOnlyBanner(out, status.sharing());
        // A GeoIP database dropped as damaged is an outage of geography, not a detail: shown as one.
        out.append(status.geoipOk() ? "<p>GeoIP: " : "<p class=\"down\">GeoIP: ").append(esc(status.geoip()));
        if (status.geoipAttribution() != null) {
            out.append(" — ").append(esc(status.geoipAttribution()));
        }
        out.append("</p>");
        lastLoad(out, status.lastLoad());
        List<Status.Location> locations = status.locations();
        Map<String, String> colours = new LinkedHashMap<>();
        for (int i = 0; i < locations.size(); i++) {
            colours.put(locations.get(i).name(), PALETTE[i % PALETTE.length]);
        }
        healthMap(out, locations);
        catchments(out, status.catchments(), locations, colours);
        nodes(out, locations);
        sharing(out, status.sharing());
        zones(out, status.zones());
        out.append("<p><a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a> · ")
                .append("explain: <code>/explain?ip=ADDR&amp;name=NAME&amp;type=A</code></p></body></html>\n");
        return out.toString();
    }

    private static void failOpenBanner(StringBuilder out, List<String> open) {
        if (open.isEmpty()) {
            return;
        }
        out.append("<div class=\"banner\" id=\"fail-open\" role=\"alert\">FAIL-OPEN: no node of ")
                .append(esc(String.join(", ", open)))
                .append(" is up. Every node is answered as if it were up, so clients are sent to nodes that are ")
                .append("down, until a node passes its health checks again.</div>");
    }

    private static void ownViewOnlyBanner(StringBuilder out, Status.Sharing sharing) {
        if (sharing == null || !sharing.ownViewOnly()) {
            return;
        }
        long fresh = sharing.observers().stream().filter(Status.Observer::fresh).count();
        out.append("<div class=\"banner\" id=\"own-view-only\" role=\"alert\">Own view only (partitioned): ")
                .append(fresh).append(" of ").append(sharing.instances())
                .append(" instances' views are fresh, ").append(sharing.quorum())
                .append(" are needed to decide together. Answers follow this instance's own probes alone until ")
                .append("enough peers are heard again.</div>");
    }

    /**
     * Shared health as a hosted checker shows its regions: a row per instance (this one first), a column per node,
     * each cell what that instance's view says; how fresh each view is and how its last fetch went; the merged
     * verdict, which answers follow, last.
     */
    private static void sharing(StringBuilder out, Status.Sharing s) {
        if (s == null) {
            return;
        }
        out.append("<h2>Shared health</h2><p>").append(s.instances()).append(" instances; a node is down when most ")
                .append("fresh views say so (").append(s.quorum()).append(" fresh views needed to decide together, ")
                .append("fresh: fetched within ").append(esc(duration(Math.round(s.windowSeconds())))).append(")")
                .append(s.ownViewOnly() ? ", <span class=\"down\">own view only (partitioned)</span>" : "")
                .append(".</p><table id=\"sharing\"><tr><th>instance</th>");
        for (String node : s.nodes()) {
            out.append("<th>").append(esc(node)).append("</th>");
        }
        out.append("<th>view age</th><th>last fetch</th></tr>");
        for (Status.Observer o : s.observers()) {
            out.append("<tr").append(o.fresh() ? "" : " style=\"opacity:.5\"").append("><td>").append(esc(o.name()))
                    .append(o.url() == null ? " (this instance)" : "").append("</td>");
            for (String node : s.nodes()) {
                Boolean up = o.nodes().get(node);
                out.append(up == null ? "<td>–</td>" : up ? "<td class=\"up\">up</td>" : "<td class=\"down\">down</td>");
            }
            out.append("<td>").append(o.url() == null ? "now" : o.ageSeconds() == null ? "never"
                    : esc(duration(Math.round(o.ageSeconds()))) + (o.fresh() ? "" : " (stale)"))
                    .append("</td><td>").append(esc(o.result())).append("</td></tr>");
        }
        out.append("<tr><th>merged</th>");
        for (String node : s.nodes()) {
            out.append(Boolean.TRUE.equals(s.merged().get(node)) ? "<th class=\"up\">up</th>"
                    : "<th class=\"down\">down</th>");
        }
        out.append("<th></th><th></th></tr></table>");
    }

    private static void lastLoad(StringBuilder out, Status.Load load) {
        if (load == null) {
            return;
        }
        out.append("<p>Last load: <span class=\"").append(load.ok() ? "up\">ok" : "down\">FAILED — still serving "
                + "the previous config").append("</span> at ").append(esc(time(load.at()))).append("</p>");
        for (String error : load.errors()) {
            out.append("<pre class=\"down\">").append(esc(error)).append("</pre>");
        }
    }

    // ------------------------------------------------------------------------------------------ maps

    /** A location on a map: its marker's centre, fill and how it is drawn. */
    private record Marker(String name, double x, double y, String fill, boolean hollow) {}

    private static void healthMap(StringBuilder out, List<Status.Location> locations) {
        List<Marker> markers = new ArrayList<>();
        for (Status.Location l : locations) {
            markers.add(new Marker(l.name(), x(l.longitude()), y(l.latitude()), healthColour(l), false));
        }
        svgStart(out, "health map", "map-health");
        out.append(WorldOutline.PATH_WITH_ID);
        markers(out, markers);
        out.append("</svg><ul class=\"legend\">")
                .append(legendItem(UP, "every node up"))
                .append(legendItem(SOME, "some nodes up"))
                .append(legendItem(DOWN, "no node up"))
                .append("</ul>");
    }

    /** One map per geo name: each country's representative point in the colour of the location it is sent to. */
    private static void catchments(StringBuilder out, List<Catchment> catchments, List<Status.Location> locations,
                                   Map<String, String> colours) {
        if (catchments.isEmpty()) {
            return;
        }
        out.append("<h2>Where clients go</h2><p>For each geo name, each country's clients (placed at the country's ")
                .append("representative point, as a country-level GeoIP record places them) and the location their ")
                .append("A answer comes from now: ranking, overrides and health included.</p>");
        for (Catchment c : catchments) {
            String name = c.name();
            boolean failOpen = c.failOpen();
            Map<String, Boolean> up = c.locationsUp();
            Map<String, String> countries = c.byCountry();
            out.append("<h3>").append(esc(name)).append(failOpen ? " <span class=\"down\">(fail-open)</span>" : "")
                    .append("</h3>");
            svgStart(out, "catchment of " + name, "catchment-" + name);
            out.append(WorldOutline.USE);
            Map<String, Integer> counts = new LinkedHashMap<>();
            up.keySet().forEach(l -> counts.put(l, 0));
            countries.forEach((country, location) -> {
                GeoPlace place = GeoPlace.ofCountry(country);
                if (place == null) {
                    return;
                }
                counts.merge(location, 1, Integer::sum);
                out.append(String.format("<circle class=\"country\" data-country=\"%s\" data-location=\"%s\" "
                                + "cx=\"%.1f\" cy=\"%.1f\" r=\"3.2\" fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.6\">"
                                + "<title>%s → %s</title></circle>", esc(country), esc(location), x(place.point().longitude()),
                        y(place.point().latitude()), colours.getOrDefault(location, "#999"), esc(country),
                        esc(location)));
            });
            List<Marker> markers = new ArrayList<>();
            for (Status.Location l : locations) {
                String location = l.name();
                if (up.containsKey(location)) {
                    markers.add(new Marker(location, x(l.longitude()), y(l.latitude()), colours.get(location),
                            !Boolean.TRUE.equals(up.get(location))));
                }
            }
            markers(out, markers);
            out.append("</svg><ul class=\"legend\" data-name=\"").append(esc(name)).append("\">");
            counts.forEach((location, count) -> {
                boolean isUp = Boolean.TRUE.equals(up.get(location));
                out.append("<li data-location=\"").append(esc(location)).append("\"><span class=\"swatch")
                        .append("\" style=\"background:")
                        .append(colours.getOrDefault(location, "#999")).append("\"></span>").append(esc(location))
                        .append(isUp ? " <span class=\"up\">up</span>" : " <span class=\"down\">down</span>")
                        .append(" · ").append(count).append(count == 1 ? " country" : " countries").append("</li>");
            });
            out.append("<li><span class=\"swatch\" style=\"background:#fff;border:2px dashed #555\"></span>")
                    .append("dashed ring: a location with no node up</li></ul>");
        }
    }

    private static void svgStart(StringBuilder out, String label, String id) {
        out.append("<svg id=\"").append(esc(id)).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" width=\"").append(WIDTH).append("\" height=\"").append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(esc(label)).append("\">");
        for (int lon = -150; lon <= 150; lon += 30) {
            out.append(line(x(lon), 0, x(lon), HEIGHT, lon == 0 ? "#9db4cc" : "#cfdceb"));
        }
        for (int lat = -60; lat <= 60; lat += 30) {
            out.append(line(0, y(lat), WIDTH, y(lat), lat == 0 ? "#9db4cc" : "#cfdceb"));
        }
    }

    /** The markers, then their labels, each placed where it overlaps no other label and no marker. */
    private static void markers(StringBuilder out, List<Marker> markers) {
        for (Marker m : markers) {
            out.append(String.format("<circle class=\"marker\" data-location=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"%.0f\" "
                            + "fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"%s><title>%s</title></circle>", esc(m.name()),
                    m.x(), m.y(), MARKER_RADIUS, m.hollow() ? "#fff" : m.fill(), m.hollow() ? m.fill() : "#fff",
                    m.hollow() ? " stroke-dasharray=\"3 2\"" : "", esc(m.name())));
        }
        List<double[]> taken = new ArrayList<>();
        for (Marker m : markers) {
            double r = MARKER_RADIUS + 2;
            taken.add(new double[] {m.x() - r, m.y() - r, m.x() + r, m.y() + r});
        }
        for (Marker m : markers) {
            double[] box = LabelPlacer.place(m.x(), m.y(), m.name().length() * CHAR_WIDTH + 4, LABEL_HEIGHT,
                    MARKER_RADIUS + 3, taken, WIDTH, HEIGHT);
            taken.add(box);
            double bx = box[0] + 2;
            double by = box[3] - 3.5;
            if (Math.hypot((box[0] + box[2]) / 2 - m.x(), (box[1] + box[3]) / 2 - m.y()) > 40) {
                // Pushed far from its marker: a leader line says whose it is.
                out.append(String.format("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" "
                        + "stroke-width=\"0.8\"/>", m.x(), m.y(), clamp(m.x(), box[0], box[2]),
                        clamp(m.y(), box[1], box[3])));
            }
            out.append(String.format("<text class=\"label\" data-location=\"%s\" x=\"%.1f\" y=\"%.1f\" fill=\"#222\">"
                    + "%s</text>", esc(m.name()), bx, by, esc(m.name())));
        }
    }

    private static double clamp(double v, double low, double high) {
        return Math.max(low, Math.min(high, v));
    }

    private static String legendItem(String colour, String text) {
        return "<li><span class=\"swatch\" style=\"background:" + colour
                + "\"></span>" + esc(text) + "</li>";
    }

    /** Green when every node is up, orange when some are, red when none is. */
    private static String healthColour(Status.Location location) {
        long up = location.nodes().stream().filter(Status.Node::up).count();
        return up == location.nodes().size() ? UP : up > 0 ? SOME : DOWN;
    }

    // ------------------------------------------------------------------------------------------ tables

    private static void nodes(StringBuilder out, List<Status.Location> locations) {
        out.append("<h2>Locations</h2><table><tr><th>location</th><th>node</th><th>addresses</th><th>state</th>")
                .append("<th>last probe</th><th>at (UTC)</th><th>latency</th><th>in state for</th></tr>");
        for (Status.Location l : locations) {
            for (Status.Node n : l.nodes()) {
                Status.Probe probe = n.probe();
                out.append("<tr><td>").append(esc(l.name())).append("</td><td>").append(esc(n.name()))
                        .append("</td><td>").append(esc(join(n.ipv4(), n.ipv6()))).append("</td><td class=\"")
                        .append(n.up() ? "up\">up" : "down\">down").append("</td><td>")
                        .append(probe != null ? esc(probe.lastResult()) : "not probed")
                        .append("</td><td>").append(esc(time(probe == null ? null : probe.lastProbe())))
                        .append("</td><td>").append(probe == null ? "" : latency(probe.lastLatencyMillis()))
                        .append("</td><td>").append(probe == null ? "" : duration(probe.secondsInState()))
                        .append("</td></tr>");
            }
        }
        out.append("</table>");
    }

    private static void zones(StringBuilder out, List<Status.Zone> zones) {
        out.append("<h2>Zones</h2><table><tr><th>zone</th><th>serial</th><th>records</th><th>file</th></tr>");
        for (Status.Zone z : zones) {
            out.append("<tr><td>").append(esc(z.name())).append("</td><td>").append(z.serial())
                    .append("</td><td>").append(z.records()).append("</td><td>").append(esc(z.file()))
                    .append("</td></tr>");
        }
        out.append("</table>");
    }

    /** An instant to the second, UTC ("2026-12-07T00:10:03Z"); empty for none. */
    static String time(Instant at) {
        return at == null ? "" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** A duration as people read it: "45s", "3m 12s", "2h 05m", "4d 03h". */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m " + String.format("%02ds", seconds % 60);
        }
        if (seconds < 86400) {
            return seconds / 3600 + "h " + String.format("%02dm", seconds % 3600 / 60);
        }
        return seconds / 86400 + "d " + String.format("%02dh", seconds % 86400 / 3600);
    }

    private static String latency(double millis) {
        return Double.isNaN(millis) ? "" : String.format("%.1f ms", millis);
    }

    private static String join(String a, String b) {
        return a == null ? String.valueOf(b) : b == null ? a : a + ", " + b;
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

    private static String esc(Object value) {
        return String.valueOf(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
