package geodns.server.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Address blocks as written on the command line, and membership read in place. */
class NetworkTest {
    private static boolean contains(String block, String address) throws Exception {
        byte[] bytes = InetAddress.getByName(address).getAddress();
        return Network.parse(block).contains(bytes.length == 4 ? 1 : 2, bytes);
    }

    @Test
    void membershipFollowsThePrefix() throws Exception {
        assertTrue(contains("127.0.0.0/8", "127.1.2.3"));
        assertFalse(contains("127.0.0.0/8", "128.0.0.1"));
        assertTrue(contains("10.64.0.0/10", "10.127.255.255"));
        assertFalse(contains("10.64.0.0/10", "10.128.0.0"));
        assertTrue(contains("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(contains("2001:db8::/32", "2001:db9::1"));
        assertTrue(contains("0.0.0.0/0", "203.0.113.9"));
    }

    @Test
    void aBareAddressIsOneHost() throws Exception {
        assertTrue(contains("::1", "::1"));
        assertFalse(contains("::1", "::2"));
        assertEquals(32, Network.parse("192.0.2.7").prefix());
    }

    @Test
    void familiesNeverMatchEachOther() throws Exception {
        assertFalse(contains("0.0.0.0/0", "::1"));
        assertFalse(contains("::/0", "127.0.0.1"));
    }

    @Test
    void namesAndBadPrefixesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Network.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse("1.2.3"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse("1.2.3.4.5"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse("::/129"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> Network.parse(""));
    }
}
