package geodns.e2e.support;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/** Programs from Debian packages that a test needs: missing, the test is skipped here and fails in CI. */
public final class Programs {
    private Programs() {
    }

    /** @param debianPackage what {@code apt-get install} gives the program (and .ci/run installs) */
    public static void require(String program, String debianPackage) {
        if (Commands.onPath(program)) {
            return;
        }
        String message = program + " is not installed (apt-get install -y " + debianPackage + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + " — CI=true, where a skipped test would go unnoticed, so this fails instead");
        }
        Assumptions.abort(message);
    }
}
