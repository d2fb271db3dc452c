package geodns.server.dnssec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.wire.ParseResult;
import geodns.server.wire.Query;
import geodns.server.wire.QueryParser;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** The NSEC that covers a query name, found on the query's wire bytes, is the one RFC 4034 §6.1 order gives. */
class NsecChainTest {
    static final Name APEX = Name.fromConstantString("example.com.");
    static final String LETTERS = "abcXYZ019-_*";

    static Name randomName(Random random) {
        StringBuilder text = new StringBuilder();
        int labels = 1 + random.nextInt(3);
        for (int l = 0; l < labels; l++) {
            int length = 1 + random.nextInt(4);
            for (int i = 0; i < length; i++) {
                text.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            text.append('.');
        }
        return Name.fromConstantString(text + "example.com.");
    }

    @Test
    void coveringNsecOnTheWireAgreesWithCanonicalOrder() {
        Random random = new Random(20);
        Map<Name, Set<Integer>> types = new HashMap<>();
        types.put(APEX, Set.of(Type.SOA, Type.NS));
        while (types.size() < 200) {
            types.put(randomName(random), Set.of(Type.A));
        }
        ZoneKeys keys = TestKeys.signing(APEX, TestKeys.ecdsa(APEX));
        NsecChain chain = NsecChain.build(APEX, types, 300, keys, new Signatures(Map.of(APEX, keys),
                Clock.systemUTC(), () -> {}));
        Query q = new Query();
        int checked = 0;
        for (int i = 0; i < 2000; i++) {
            Name qname = randomName(random);
            if (types.containsKey(qname)) {
                continue;
            }
            byte[] wire = Message.newQuery(Record.newRecord(qname, Type.A, DClass.IN)).toWire();
            assertEquals(ParseResult.QUERY, QueryParser.parse(wire, wire.length, q));
            int expected = chain.floor(qname);
            assertEquals(expected, chain.covering(q, 0, chain.size()), qname.toString());
            assertTrue(chain.nsec(expected).getName().compareTo(qname) < 0, qname.toString());
            checked++;
        }
        assertTrue(checked > 1000);
    }
}
