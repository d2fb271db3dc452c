package geodns.server.admin;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The land outline for the status page's map, as one SVG path element (see world-110m.LICENSE.txt). */
final class WorldOutline {
    static final String PATH = "<path fill=\"#d7e3cf\" stroke=\"#a9b99c\" stroke-width=\"0.5\" d=\"" + load() + "\"/>";
    /** The same outline once more on the page: a reference to the first, {@link #PATH_WITH_ID}, not 36 KB again. */
    static final String PATH_WITH_ID = PATH.replaceFirst("<path ", "<path id=\"land\" ");
    static final String USE = "<use href=\"#land\"/>";

    private WorldOutline() {}

    private static String load() {
        try (InputStream in = WorldOutline.class.getResourceAsStream("/geodns/server/admin/world-110m.path")) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
