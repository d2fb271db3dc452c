package geodns.server.zone;

import static geodns.server.testing.Replies.aa;
import static geodns.server.testing.Replies.additional;
import static geodns.server.testing.Replies.answer;
import static geodns.server.testing.Replies.assertNegativeSoa;
import static geodns.server.testing.Replies.authority;
import static geodns.server.testing.Replies.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.server.answer.Snapshot;
import geodns.server.testing.Dns;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Several zones in one folder, one the child of another: the child's own data wins over the delegation. */
class ParentAndChildZonesTest {
    @TempDir
    static Path dir;
    static Dns dns;
    static Zones.Loaded loaded;

    @BeforeAll
    static void load() {
        Dns.write(dir, "example.com.zone", """
                $ORIGIN example.com.
                $TTL 3600
                @         IN SOA ns1 admin 1 7200 900 1209600 300
                @         IN NS  ns1
                ns1       IN A   192.0.2.53
                child     IN NS  ns.child
                ns.child  IN A   192.0.2.99
                www.child IN A   192.0.2.98
                other     IN NS  ns.other.net.
                *         IN TXT "parent wildcard"
                """);
        // Sorts before its parent by file name: load order must not depend on it.
        Dns.write(dir, "child.example.com.zone", """
                $ORIGIN child.example.com.
                $TTL 600
                @   IN SOA ns admin 7 7200 900 1209600 60
                @   IN NS  ns
                ns  IN A   192.0.2.100
                www IN A   192.0.2.101
                """);
        Dns.write(dir, "deep.child.example.com.zone", """
                $ORIGIN deep.child.example.com.
                @   300 IN SOA ns.child.example.com. admin 9 7200 900 1209600 30
                @   300 IN NS  ns.child.example.com.
                www 300 IN A   192.0.2.102
                """);
        Dns.write(dir, "example.net.zone", """
                @   300 IN SOA ns.example.com. admin 3 7200 900 1209600 120
                @   300 IN NS  ns1.example.com.
                www 300 IN A   203.0.113.1
                """);
        loaded = Zones.load(dir);
        assertTrue(loaded.ok(), () -> "errors: " + loaded.errors());
        dns = new Dns(loaded.snapshot());
    }

    private static Record a(String owner, long ttl, String address) throws Exception {
        return new ARecord(name(owner), DClass.IN, ttl, InetAddress.getByName(address));
    }

    @Test
    void everyZoneIsListedByName() {
        assertEquals(List.of("child.example.com", "deep.child.example.com", "example.com", "example.net"),
                loaded.snapshot().zones().stream().map(Snapshot.LoadedZone::name).toList());
    }

    @Test
    void childDataWinsOverTheParentsDelegation() throws Exception {
        Message m = dns.ask("www.child.example.com", Type.A);
        assertEquals(Rcode.NOERROR, m.getRcode());
        assertTrue(aa(m), "answered from the child zone, not referred");
        assertEquals(List.of(a("www.child.example.com", 600, "192.0.2.101")), answer(m));
    }

    @Test
    void childApexIsAnsweredFromTheChild() throws Exception {
        Message soa = dns.ask("child.example.com", Type.SOA);
        assertTrue(aa(soa));
        assertEquals(7, ((SOARecord) answer(soa).get(0)).getSerial());

        Message ns = dns.ask("child.example.com", Type.NS);
        assertTrue(aa(ns));
        assertEquals(List.of(new NSRecord(name("child.example.com"), DClass.IN, 600, name("ns.child.example.com"))),
                answer(ns));
        assertEquals(List.of(a("ns.child.example.com", 600, "192.0.2.100")), additional(ns));
    }

    @Test
    void parentGlueIsReplacedByTheChildsAddress() throws Exception {
        assertEquals(List.of(a("ns.child.example.com", 600, "192.0.2.100")),
                answer(dns.ask("ns.child.example.com", Type.A)));
    }

    @Test
    void missingNameInTheChildIsNxdomainWithTheChildsSoa() {
        Message m = dns.ask("nothing.child.example.com", Type.TXT);
        assertEquals(Rcode.NXDOMAIN, m.getRcode(), "the parent's wildcard does not reach into the child");
        assertNegativeSoa(m, "child.example.com", 60);
    }

    @Test
    void grandchildZoneIsAnsweredFromItself() throws Exception {
        assertEquals(List.of(a("www.deep.child.example.com", 300, "192.0.2.102")),
                answer(dns.ask("www.deep.child.example.com", Type.A)));
        assertNegativeSoa(dns.ask("x.deep.child.example.com", Type.A), "deep.child.example.com", 30);
    }

    @Test
    void parentStillAnswersItsOwnNames() {
        Message m = dns.ask("anything.example.com", Type.TXT);
        assertEquals(List.of(new TXTRecord(name("anything.example.com"), DClass.IN, 3600, "parent wildcard")),
                answer(m));
        assertNegativeSoa(dns.ask("ns1.example.com", Type.MX), "example.com", 300);
    }

    @Test
    void parentStillRefersDelegationsItDoesNotServe() {
        Message m = dns.ask("www.other.example.com", Type.A);
        assertFalse(aa(m));
        assertEquals(List.of(new NSRecord(name("other.example.com"), DClass.IN, 3600, name("ns.other.net"))),
                authority(m));
    }

    @Test
    void unrelatedZonesAreBothServed() throws Exception {
        assertEquals(List.of(a("www.example.net", 300, "203.0.113.1")), answer(dns.ask("www.example.net", Type.A)));
        assertNegativeSoa(dns.ask("nothing.example.net", Type.A), "example.net", 120);
        assertEquals(Rcode.REFUSED, dns.ask("www.example.org", Type.A).getRcode());
    }
}
