package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Axfr;
import geodns.e2e.support.ConfigFiles;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --tcp-max-queries 1}: the connection is closed after its one query, but only once that query's reply
 * has left, also when the reply is a zone transfer of many messages still being written.
 */
@ExtendWith(ServerLogOnFailure.class)
class TransferOnALimitedConnectionTest {
    @TempDir
    static Path dir;
    private static GeodnsServer server;

    @BeforeAll
    static void start() throws IOException {
        Path zones = dir.resolve("zones");
        Files.createDirectories(zones);
        Files.writeString(zones.resolve("big.test.zone"), ZoneTransferTest.bigZone("big.test."));
        ConfigFiles.replace(zones.resolve("transfer.yaml"), """
                zones:
                  big.test: { allow: [127.0.0.0/8] }
                """);
        server = GeodnsServer.start(zones, "--tcp-max-queries", "1");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTransferAsTheLastQueryOfAConnectionIsSentWhole() {
        Axfr.Transfer transfer = Axfr.dig(server.dns(), "big.test", "AXFR");
        assertTrue(transfer.complete(), transfer::text);
        assertEquals(ZoneTransferTest.BIG_RECORDS + 5, transfer.records().size(), "SOA, NS, 2 A, the TXTs, SOA");
    }
}
