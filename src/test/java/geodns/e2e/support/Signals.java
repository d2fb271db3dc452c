package geodns.e2e.support;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Signals to a server process the tests started, by its PID. */
public final class Signals {
    private Signals() {
    }

    /** {@code kill -HUP <pid>}: the server reloads its zones folder and GeoIP database. */
    public static void hangUp(GeodnsServer server) {
        long pid = server.process().pid();
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -HUP " + pid + " failed");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill -HUP " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
