package geodns.e2e.support;

import java.util.List;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the output of every server still running and of every server started during the
 * test (the last 150 lines of each), so a failure shows what the server said.
 */
public class ServerLogOnFailure implements BeforeEachCallback, TestWatcher {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ServerLogOnFailure.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("first", GeodnsServer.STARTED.size());
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Integer first = context.getStore(NS).get("first", Integer.class);
        List<GeodnsServer> started = GeodnsServer.STARTED;
        for (int i = 0; i < started.size(); i++) {
            GeodnsServer server = started.get(i);
            if (server.isAlive() || (first != null && i >= first)) {
                String[] lines = server.log().split("\n", -1);
                int from = Math.max(0, lines.length - 150);
                StringBuilder out = new StringBuilder();
                out.append("----- server log (").append(context.getDisplayName()).append(" failed): ")
                        .append(server.description()).append('\n');
                for (int l = from; l < lines.length; l++) {
                    out.append(lines[l]).append('\n');
                }
                out.append("----- end of server log");
                System.err.println(out);
            }
        }
    }
}
