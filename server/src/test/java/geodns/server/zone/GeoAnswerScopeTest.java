package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import geodns.server.testing.Dns;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * The ECS option of geo answers (RFC 7871 §7.2.1): the scope is the GeoIP network's prefix, capped; zero for
 * static names.
 */
class GeoAnswerScopeTest extends GeoAnswersWorld {
    // ---- ECS scope ----

    @Test
    void scopeIsTheGeoIpNetworksPrefix() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.1.2.0/24");
        assertEquals(16, scope(reply));
    }

    @Test
    void scopeOfANetworkLongerThan24IsCappedAt24() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.6.8.1/32");
        assertEquals(SINGAPORE, a(reply), "Mumbai");
        assertEquals(24, scope(reply));
    }

    @Test
    void scopeOfA24NetworkIs24() {
        assertEquals(24, scope(viaSubnet("app.example.com", Type.A, "10.6.7.0/24")));
    }

    @Test
    void ipv6ScopeIsTheGeoIpNetworksPrefix() {
        Message reply = viaSubnet("app.example.com", Type.A, "2001:db8:1:200::/56");
        assertEquals(48, scope(reply));
    }

    @Test
    void ipv6ScopeOfANetworkLongerThan56IsCappedAt56() {
        Message reply = viaSubnet("app.example.com", Type.A, "2001:db8:3:3400::/64");
        assertEquals(SINGAPORE, a(reply), "Sydney");
        assertEquals(56, scope(reply));
    }

    @Test
    void scopeIsLongerThanTheSourcePrefixWhenTheNetworkIsMoreSpecific() {
        Message reply = viaSubnet("app.example.com", Type.A, "10.7.0.0/16");
        assertEquals(LONDON, a(reply), "10.7.0.0 is in Madrid");
        assertEquals(24, scope(reply));
    }

    @Test
    void echoRepeatsFamilySourcePrefixAndAddress() {
        ClientSubnetOption ecs = Dns.clientSubnet(viaSubnet("app.example.com", Type.A, "2001:db8:1:200::/56"));
        assertEquals(2, ecs.getFamily());
        assertEquals(56, ecs.getSourcePrefixLength());
        assertEquals(Dns.address("2001:db8:1:200::"), ecs.getAddress());
    }

    @Test
    void staticNameEchoesScopeZero() {
        Message reply = viaSubnet("www.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Set.of("192.0.2.2"), a(reply));
        assertEquals(0, scope(reply));
        assertEquals(24, Dns.clientSubnet(reply).getSourcePrefixLength());
    }

    @Test
    void nxdomainEchoesScopeZero() {
        Message reply = viaSubnet("nothing.example.com", Type.A, "10.1.2.0/24");
        assertEquals(Rcode.NXDOMAIN, reply.getRcode());
        assertEquals(0, scope(reply));
    }

    @Test
    void geoNamesOtherTypeEchoesScopeZero() {
        assertEquals(0, scope(viaSubnet("app.example.com", Type.MX, "10.1.2.0/24")));
    }

    @Test
    void staticNameAfterAGeoNameEchoesScopeZero() {
        assertEquals(16, scope(viaSubnet("app.example.com", Type.A, "10.1.2.0/24")));
        assertEquals(0, scope(viaSubnet("www.example.com", Type.A, "10.1.2.0/24")), "nothing left from the query before");
    }
}
