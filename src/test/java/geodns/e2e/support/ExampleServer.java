package geodns.e2e.support;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the one server that runs the example zones with default flags, shared by every test class of the run
 * (started on first use, stopped when the run ends). Use as {@code @ExtendWith(ExampleServer.class)} and take a
 * {@link GeodnsServer} parameter in a {@code @BeforeAll} method or a test.
 */
public final class ExampleServer extends ServerLogOnFailure implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == GeodnsServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent("geodns.example-server", key -> GeodnsServer.start(), GeodnsServer.class);
    }
}
