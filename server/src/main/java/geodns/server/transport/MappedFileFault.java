package geodns.server.transport;

import java.util.function.BiConsumer;
import java.util.function.IntConsumer;

/**
 * A memory-mapped GeoIP file rewritten in place faults a read, and the JVM reports it a little later, wherever the
 * thread then is, as an {@link InternalError}. Answering again reads the file as it is now instead of leaving the
 * client waiting; a second fault is the caller's. The work is a method reference held in a field, so a retry
 * costs the hot path nothing.
 */
final class MappedFileFault {
    private MappedFileFault() {}

    static <A, B> void once(BiConsumer<A, B> work, A a, B b) {
        try {
            work.accept(a, b);
        } catch (InternalError e) {
            work.accept(a, b);
        }
    }

    static void once(IntConsumer work, int n) {
        try {
            work.accept(n);
        } catch (InternalError e) {
            work.accept(n);
        }
    }
}
