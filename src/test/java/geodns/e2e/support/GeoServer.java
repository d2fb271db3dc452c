package geodns.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the one server that answers geo names from {@link #GEO_YAML} and the {@link GeoWorld} test database,
 * shared by every test class of the run that uses it (started on first use, stopped and its files deleted when the
 * run ends). Use as {@code @ExtendWith(GeoServer.class)} and take a {@link GeodnsServer} parameter.
 */
public final class GeoServer extends ServerLogOnFailure implements ParameterResolver {

    /**
     * The geo config: the four locations of {@link GeoWorld} and three geo names.
     * <ul>
     *   <li>app: nearest first; clients GeoIP cannot place get singapore, frankfurt, london, seattle (so their AAAA,
     *       singapore having no IPv6, comes from frankfurt);
     *   <li>api: operator overrides: South America to seattle, Japan to seattle, the US to frankfurt (deliberately
     *       far, so the rule is visible) except New York state to london;
     *   <li>rr: london only, at most 2 of its 3 addresses per answer.
     * </ul>
     */
    public static final String GEO_YAML = GeoWorld.locationsYaml(GeoWorld.LOCATIONS) + """
            names:
              app.example.com:
                ttl: 30
                unknown: [singapore, frankfurt, london, seattle]
              api.example.com:
                ttl: 30
                continents: { SA: [seattle] }
                countries: { JP: [seattle], US: [frankfurt] }
                subdivisions: { US-NY: [london] }
              rr.example.com:
                ttl: 30
                locations: [london]
                max-answers: 2
            """;

    /** Zone lines added to the example zone: a CNAME to the geo name. */
    public static final String CNAME_TO_GEO_NAME = "shop 300 IN CNAME app";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GeodnsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("geodns.geo-server", key -> Running.start(), Running.class).server;
    }

    /** The server and its files; closed (server stopped, files deleted) when the run ends. */
    static final class Running implements ExtensionContext.Store.CloseableResource {
        final Path dir;
        final GeodnsServer server;

        private Running(Path dir, GeodnsServer server) {
            this.dir = dir;
            this.server = server;
        }

        static Running start() {
            try {
                Path dir = Files.createTempDirectory("geodns-geo-");
                Path zones = GeoWorld.writeZones(dir.resolve("zones"),
                        GeoWorld.exampleZoneWithoutApp(CNAME_TO_GEO_NAME), GEO_YAML);
                Path mmdb = GeoWorld.database().write(dir.resolve("cities.mmdb"));
                return new Running(dir, GeodnsServer.start(zones, "--geoip", mmdb.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
