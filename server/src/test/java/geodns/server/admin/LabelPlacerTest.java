package geodns.server.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Map labels: beside their marker, never over another label or marker, never off the map. */
class LabelPlacerTest {
    private static boolean overlap(double[] a, double[] b) {
        return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }

    @Test
    void londonAndFrankfurtGetLabelsThatDoNotTouch() {
        double[][] markers = {{StatusPage.x(-0.128), StatusPage.y(51.507)}, {StatusPage.x(8.682), StatusPage.y(50.110)}};
        List<double[]> taken = new ArrayList<>();
        for (double[] m : markers) {
            taken.add(new double[] {m[0] - 9, m[1] - 9, m[0] + 9, m[1] + 9});
        }
        double[] london = LabelPlacer.place(markers[0][0], markers[0][1], 48, 14, 10, taken, 720, 360);
        taken.add(london);
        double[] frankfurt = LabelPlacer.place(markers[1][0], markers[1][1], 70, 14, 10, taken, 720, 360);
        assertFalse(overlap(london, frankfurt), "the two labels overlap");
        assertFalse(overlap(london, taken.get(1)), "london's label covers frankfurt's marker");
        assertFalse(overlap(frankfurt, taken.get(0)), "frankfurt's label covers london's marker");
    }

    @Test
    void aLabelAtTheMapsEdgeStaysOnTheMap() {
        double[] box = LabelPlacer.place(715, 100, 60, 14, 10, new ArrayList<>(), 720, 360);
        assertTrue(box[0] >= 0 && box[2] <= 720 && box[1] >= 0 && box[3] <= 360, "inside the map");
    }
}
