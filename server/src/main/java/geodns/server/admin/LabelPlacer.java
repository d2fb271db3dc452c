package geodns.server.admin;

import java.util.List;

/**
 * Where a map label goes: beside its marker on the first side where it overlaps nothing already placed (labels,
 * markers) and stays on the map, trying the four sides, then the corners, then ever further out. Near locations
 * (London and Frankfurt are 18 px apart on a 720 px world) get labels on different sides instead of one on top of
 * the other. Deterministic: the same locations always get the same layout.
 */
final class LabelPlacer {
    private LabelPlacer() {}

    /**
     * @param gap   distance from the marker's centre to the nearest edge of its label
     * @param taken boxes already used, each {left, top, right, bottom}
     * @return the label's box {left, top, right, bottom}
     */
    static double[] place(double x, double y, double width, double height, double gap, List<double[]> taken,
                          double mapWidth, double mapHeight) {
        for (int ring = 0; ring < 12; ring++) {
            double far = gap + ring * height;
            double[][] candidates = {
                {x + far, y - height / 2},                      // right
                {x - far - width, y - height / 2},              // left
                {x - width / 2, y - far - height},              // above
                {x - width / 2, y + far},                       // below
                {x + far * 0.7, y - far * 0.7 - height},        // above right
                {x - far * 0.7 - width, y - far * 0.7 - height}, // above left
                {x + far * 0.7, y + far * 0.7},                 // below right
                {x - far * 0.7 - width, y + far * 0.7},         // below left
            };
            for (double[] c : candidates) {
                double[] box = {c[0], c[1], c[0] + width, c[1] + height};
                if (box[0] >= 0 && box[1] >= 0 && box[2] <= mapWidth && box[3] <= mapHeight && free(box, taken)) {
                    return box;
                }
            }
        }
        // Nowhere free (a crowded map): to the right, as labels always were.
        return new double[] {x + gap, y - height / 2, x + gap + width, y + height / 2};
    }

    private static boolean free(double[] box, List<double[]> taken) {
        for (double[] t : taken) {
            if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) {
                return false;
            }
        }
        return true;
    }
}
