package geodns.server.transport;

import geodns.server.wire.Codes;
import geodns.server.wire.Query;
import io.netty.util.concurrent.FastThreadLocal;

/** Per event-loop-thread buffers, so answering a query allocates nothing but the outgoing buffer. */
final class Scratch {
    private static final FastThreadLocal<Scratch> CURRENT = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    final Query query = new Query();
    final byte[] in = new byte[Codes.MAX_MESSAGE];
    final byte[] out = new byte[Codes.MAX_MESSAGE];

    static Scratch current() {
        return CURRENT.get();
    }
}
