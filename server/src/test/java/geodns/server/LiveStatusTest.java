package geodns.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.admin.Status;
import geodns.server.metrics.Metrics;
import geodns.server.testing.Dns;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a load says about the config reaches /status.json's {@code last_load}. */
class LiveStatusTest {
    @TempDir
    Path dir;

    @Test
    void warningsOfTheLoadServingAreInTheLastLoad() throws Exception {
        Path zone = Dns.write(dir, "example.com.zone", """
                $ORIGIN example.com.
                $TTL 300
                @    IN SOA ns admin 1 7200 900 1209600 300
                @    IN NS  ns
                """);
        try (Live live = new Live(dir, List.of(), 1000, new Metrics())) {
            assertEquals(List.of(), live.start());
            Status.Load load = new LiveStatus(live).get().lastLoad();
            assertEquals(true, load.ok());
            assertEquals(List.of(), load.errors());
            List<String> warnings = load.warnings();
            assertEquals(1, warnings.size(), () -> "warnings: " + warnings);
            assertTrue(warnings.get(0).toString().startsWith(zone + ":4: name server ns.example.com. has no address"),
                    () -> "warnings: " + warnings);
        }
    }
}
