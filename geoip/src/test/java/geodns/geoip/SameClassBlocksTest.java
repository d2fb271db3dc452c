package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.geoip.testing.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SameClassBlocksTest {

    @TempDir
    Path dir;

    /** Classes by country: unplaced 0, JP 1, AU 2, anything else 3. */
    static final ToIntFunction<GeoPlace> BY_COUNTRY = place -> place == null ? 0
            : switch (place.countryCode()) {
                case "JP" -> 1;
                case "AU" -> 2;
                default -> 3;
            };

    /** Classes Japan apart from everything else, placed or not. */
    static final ToIntFunction<GeoPlace> JAPAN_OR_NOT = place -> place != null && "JP".equals(place.countryCode())
            ? 1 : 0;

    static final java.util.Map<String, Object> TOKYO = MmdbWriter.city(35.6762, 139.6503, "JP", "AS", "13");
    static final java.util.Map<String, Object> OSAKA = MmdbWriter.city(34.694, 135.502, "JP", "AS", "27");
    static final java.util.Map<String, Object> SYDNEY = MmdbWriter.city(-33.8688, 151.2093, "AU", "OC", "NSW");

    private GeoDatabase open(MmdbWriter writer) throws IOException {
        return GeoDatabase.open(writer.write(dir.resolve("test.mmdb")));
    }

    /** "/prefix class" of the merged block holding the address, or "none". */
    private static String at(SameClassBlocks blocks, String address) throws IOException {
        byte[] bytes = Arrays.copyOf(InetAddress.getByName(address).getAddress(), 16);
        int block = blocks.block(bytes);
        return block < 0 ? "none" : "/" + blocks.prefix(block) + " " + blocks.classOf(block);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void neighbouringNetworksOfOneClassAreOneBlock(int recordSize) throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").recordSize(recordSize)
                .add("10.0.0.0/16", TOKYO).add("10.1.0.0/16", OSAKA).add("10.2.0.0/15", SYDNEY))) {
            SameClassBlocks blocks = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY)).get(0);
            assertEquals("/15 1", at(blocks, "10.0.200.1"), "two Japanese /16s side by side");
            assertEquals("/15 1", at(blocks, "10.1.0.1"));
            assertEquals("none", at(blocks, "10.3.255.255"), "Sydney's /15 is one network, beside Japan");
            assertEquals(1, blocks.size());
        }
    }

    @Test
    void unplacedNeighboursMergeWithNetworksClassedAsUnplaced() throws IOException {
        // 10.0.0.0/16 is Sydney, 11.0.0.0/8 Tokyo, all else unknown; JAPAN_OR_NOT classes Sydney as unknown.
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("10.0.0.0/16", SYDNEY)
                .add("11.0.0.0/8", TOKYO))) {
            List<SameClassBlocks> both = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY, JAPAN_OR_NOT));
            assertEquals("none", at(both.get(0), "10.0.1.1"), "Sydney differs from unknown");
            assertEquals("/8 0", at(both.get(1), "10.0.1.1"), "Sydney and the unknown rest of 10/8: not Japan");
            assertEquals("/8 0", at(both.get(1), "10.200.1.1"));
            assertEquals("none", at(both.get(1), "11.0.0.1"), "Japan, one network");
        }
    }

    @Test
    void aBorderWithinTheCapIsNoBlock() throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("10.0.0.0/25", TOKYO)
                .add("10.0.0.128/25", SYDNEY).add("10.0.1.0/26", TOKYO).add("10.0.1.64/26", OSAKA))) {
            SameClassBlocks blocks = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY)).get(0);
            assertEquals("none", at(blocks, "10.0.0.200"));
            assertEquals("none", at(blocks, "10.0.1.7"), "merged below the cap only");
            assertEquals(0, blocks.size());
        }
    }

    @Test
    void ipv6BlocksMergeAndLeaveTheIpv4SpaceAlone() throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("2001:db8::/48", TOKYO)
                .add("2001:db8:1::/48", OSAKA).add("2001:db8:2::/64", SYDNEY).add("1.2.3.0/24", TOKYO))) {
            SameClassBlocks blocks = db.sameClassBlocks(false, 56, List.of(BY_COUNTRY)).get(0);
            assertEquals("/47 1", at(blocks, "2001:db8:1:ff::1"));
            assertEquals("none", at(blocks, "2001:db8:2::1"), "a /64 beside unknown");
            assertEquals("none", at(blocks, "::1.2.3.4"), "IPv4 is looked up as IPv4");
            byte[] mapped = InetAddress.getByName("::1.2.3.4").getAddress();
            mapped[10] = mapped[11] = (byte) 0xff;   // ::ffff:1.2.3.4, which InetAddress would make IPv4
            assertEquals(-1, blocks.block(mapped));
        }
    }

    @Test
    void everyBlockOfTheEmbeddedDatabaseIsOfTheClassItsAddressesLookUpAs() throws IOException {
        try (GeoDatabase db = GeoDatabase.embedded()) {
            SameClassBlocks v4 = db.sameClassBlocks(true, 24, List.of(JAPAN_OR_NOT)).get(0);
            assertTrue(v4.size() > 100, "blocks: " + v4.size());
            for (int b = 0; b < v4.size(); b += 97) {
                byte[] first = blockAddress(v4, b, 0);
                byte[] last = blockAddress(v4, b, -1);
                for (byte[] address : List.of(first, last)) {
                    GeoLookup found = db.lookup(InetAddress.getByAddress(address));
                    assertEquals(v4.classOf(b), JAPAN_OR_NOT.applyAsInt(found.place()), Arrays.toString(address));
                    assertTrue(v4.prefix(b) < found.prefixLength(), "merged, so wider than the network");
                    assertEquals(b, v4.block(address));
                }
            }
        }
    }

    @Test
    void aDamagedTreeFailsTheWalkWithAnIoException() throws IOException {
        MmdbWriter writer = new MmdbWriter("GeoLite2-City");
        for (int i = 0; i < 4096; i++) {
            writer.add("127." + (i >> 8) + "." + (i & 255) + ".0/24", i % 2 == 0 ? TOKYO : SYDNEY);
        }
        Path file = java.nio.file.Files.write(dir.resolve("corrupt.mmdb"), writer.toBytesWithTreeGarbage(16 * 1024));
        try (GeoDatabase db = GeoDatabase.open(file)) {
            assertThrows(IOException.class, () -> db.sameClassBlocks(true, 24, List.of(BY_COUNTRY)));
        }
    }

    /** The first (fill 0) or last (fill -1) IPv4 address of block b. */
    private static byte[] blockAddress(SameClassBlocks blocks, int b, int fill) {
        int start = (int) (blocks.start(b) >>> 32);
        int address = fill == 0 ? start : start | (int) ((1L << (32 - blocks.prefix(b))) - 1);
        return java.nio.ByteBuffer.allocate(4).putInt(address).array();
    }
}
