package geodns.geoip;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Unmaps a mapping at once rather than when the collector finds it (which, for a buffer that lived through a few
 * young collections, may be never while the heap is quiet): {@code sun.misc.Unsafe.invokeCleaner}, open to the
 * class path in Java 17 without flags. Only for a mapping nothing else reads any more.
 */
final class Unmap {
    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invoke = null;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invoke = type.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException unavailable) {
            // left to the collector
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invoke;
    }

    private Unmap() {
    }

    static void now(ByteBuffer mapping) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, mapping);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the collector: the pages stay in resident memory a while longer
        }
    }
}
