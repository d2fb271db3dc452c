package geodns.server.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * Making room at the cap of 2, with Netty's embedded channels (each on an event loop of its own, as connections on
 * different cores are): the idle connection quiet longest goes, a busy one never.
 */
class ConnectionLimitTest {
    private final ConnectionLimit limit = new ConnectionLimit(2);

    private EmbeddedChannel open() {
        return new EmbeddedChannel(limit.handler());
    }

    private static void read(EmbeddedChannel connection) {
        connection.writeInbound(Unpooled.wrappedBuffer(new byte[] {0, 1, 2}));
        connection.inboundMessages().clear();
    }

    /** A reply written and not yet sent. */
    private static void busy(EmbeddedChannel connection) {
        connection.write(Unpooled.wrappedBuffer(new byte[100]));
    }

    @Test
    void theIdleConnectionQuietLongestMakesRoomForANewOne() {
        EmbeddedChannel first = open();
        EmbeddedChannel second = open();
        read(first);
        EmbeddedChannel third = open();
        assertFalse(second.isOpen(), "the second, quiet longest, is closed");
        assertTrue(first.isOpen() && third.isOpen());
    }

    @Test
    void aBusyConnectionIsNotClosedForRoomEvenIfQuietLongest() {
        EmbeddedChannel first = open();
        EmbeddedChannel second = open();
        busy(first);
        EmbeddedChannel third = open();
        assertTrue(first.isOpen(), "the first has a reply still leaving");
        assertFalse(second.isOpen(), "the second, idle, makes room");
        assertTrue(third.isOpen());
    }

    @Test
    void withNoIdleConnectionTheNewcomerIsClosed() {
        EmbeddedChannel first = open();
        EmbeddedChannel second = open();
        busy(first);
        busy(second);
        EmbeddedChannel third = open();
        assertFalse(third.isOpen(), "no room can be made");
        assertTrue(first.isOpen() && second.isOpen());
    }

    @Test
    void belowTheCapNobodyIsClosed() {
        EmbeddedChannel first = open();
        EmbeddedChannel second = open();
        first.close();
        EmbeddedChannel third = open();
        assertTrue(second.isOpen() && third.isOpen(), "the closed connection freed its place");
    }
}
