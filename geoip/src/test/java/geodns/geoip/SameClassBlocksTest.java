package geodns.geoip;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** "prefix class" of the block holding the address. */
    private static String at(SameClassBlocks blocks, String address) throws IOException {
        byte[] bytes = Arrays.copyOf(InetAddress.getByName(address).getAddress(), 16);
        int block = blocks.block(bytes);
        return "/" + blocks.prefix(block) + " " + blocks.classOf(block);
    }

    @ParameterizedTest
    @ValueSource(ints = {24, 28, 32})
    void neighbouringNetworksOfOneClassAreOneBlock(int recordSize) throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").recordSize(recordSize)
                .add("10.0.0.0/16", TOKYO).add("10.1.0.0/16", OSAKA).add("10.2.0.0/15", SYDNEY))) {
            SameClassBlocks blocks = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY)).get(0);
            assertEquals("/15 1", at(blocks, "10.0.200.1"), "two Japanese /16s side by side");
            assertEquals("/15 1", at(blocks, "10.1.0.1"));
            assertEquals("/15 2", at(blocks, "10.3.255.255"));
        }
    }

    @Test
    void unplacedNeighboursMergeWithNetworksClassedAsUnplaced() throws IOException {
        // 10.0.0.0/16 is Sydney, the rest of 10.0.0.0/8 and all else unknown: classed alike by JAPAN_OR_NOT.
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("10.0.0.0/16", SYDNEY)
                .add("11.0.0.0/8", TOKYO))) {
            List<SameClassBlocks> both = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY, JAPAN_OR_NOT));
            assertEquals("/16 2", at(both.get(0), "10.0.1.1"));
            assertEquals("/16 0", at(both.get(0), "10.1.1.1"), "10.1/16's sibling is Sydney's");
            assertEquals("/9 0", at(both.get(0), "10.128.0.1"), "10.0/9 holds Sydney");
            assertEquals("/8 0", at(both.get(1), "10.0.1.1"), "Sydney and unknown are both not Japan; 11/8 is");
            assertEquals("/8 1", at(both.get(1), "11.0.0.1"));
            assertEquals("/5 0", at(both.get(1), "0.0.0.1"), "0/5 holds no Japan");
        }
    }

    @Test
    void aBorderWithinTheCapIsOneMixedBlockOfTheCap() throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("10.0.0.0/25", TOKYO)
                .add("10.0.0.128/25", SYDNEY).add("10.0.1.0/24", TOKYO))) {
            SameClassBlocks blocks = db.sameClassBlocks(true, 24, List.of(BY_COUNTRY)).get(0);
            assertEquals("/24 " + SameClassBlocks.MIXED, at(blocks, "10.0.0.200"));
            assertEquals("/24 1", at(blocks, "10.0.1.7"), "its Japanese sibling stays its own block");
            assertEquals("/23 0", at(blocks, "10.0.2.7"), "unknown, beside a Japanese /24");
        }
    }

    @Test
    void ipv6BlocksMergeUpToTheCapAndLeaveTheIpv4SpaceMixed() throws IOException {
        try (GeoDatabase db = open(new MmdbWriter("GeoLite2-City").add("2001:db8::/48", TOKYO)
                .add("2001:db8:1::/48", OSAKA).add("2001:db8:2::/64", SYDNEY).add("1.2.3.0/24", TOKYO))) {
            SameClassBlocks blocks = db.sameClassBlocks(false, 56, List.of(BY_COUNTRY)).get(0);
            assertEquals("/47 1", at(blocks, "2001:db8:1:ff::1"));
            assertEquals("/56 " + SameClassBlocks.MIXED, at(blocks, "2001:db8:2::1"), "a /64 beside unknown");
            assertEquals("/56 0", at(blocks, "2001:db8:2:100::1"));
            assertEquals("/56 " + SameClassBlocks.MIXED, at(blocks, "::1.2.3.4"), "IPv4 is looked up as IPv4");
            byte[] mapped = InetAddress.getByName("::1.2.3.4").getAddress();
            mapped[10] = mapped[11] = (byte) 0xff;   // ::ffff:1.2.3.4, which InetAddress would make IPv4
            assertEquals(SameClassBlocks.MIXED, blocks.classOf(blocks.block(mapped)));
            assertEquals("/1 0", at(blocks, "8000::1"));
        }
    }

    @Test
    void theEmbeddedDatabaseIsCutIntoBlocksThatCoverEveryAddress() throws IOException {
        try (GeoDatabase db = GeoDatabase.embedded()) {
            SameClassBlocks v4 = db.sameClassBlocks(true, 24, List.of(JAPAN_OR_NOT)).get(0);
            assertTrue(v4.size() > 100, "blocks: " + v4.size());
            assertEquals(0, v4.block(new byte[4]));
            assertEquals(v4.size() - 1, v4.block(new byte[] {-1, -1, -1, -1}));
            for (String address : List.of("1.1.1.1", "8.8.8.8", "126.0.0.1", "133.0.0.1", "81.2.69.160")) {
                byte[] bytes = InetAddress.getByName(address).getAddress();
                boolean japan = JAPAN_OR_NOT.applyAsInt(db.lookup(InetAddress.getByName(address)).place()) == 1;
                int block = v4.block(bytes);
                assertEquals(japan ? 1 : 0, v4.classOf(block), address);
                assertTrue(v4.prefix(block) <= db.lookup(InetAddress.getByName(address)).prefixLength(), address);
            }
        }
    }
}
