package geodns.server.zone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import geodns.server.testing.Dns;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Geo names answered end to end below the transport, with the client given by ECS or by the source address: the
 * nearest location, the unknown order, and overrides by continent, country and subdivision.
 */
class GeoAnswersTest extends GeoAnswersWorld {
    // ---- choosing by client ----

    @ParameterizedTest(name = "{0} client {1} gets {2}")
    @CsvSource({
        "Sydney,      10.1.2.0/24,        singapore",
        "Madrid,      10.2.3.0/24,        london",
        "New York,    10.3.4.0/24,        seattle",
        "Munich,      10.4.5.0/24,        frankfurt",
        "Los Angeles, 10.5.6.0/24,        seattle",
        "Tokyo,       10.6.7.0/24,        singapore",
        "Mumbai,      10.6.8.0/24,        singapore",
        "Sao Paulo,   10.8.1.0/24,        london",
        "Dublin,      10.9.1.0/24,        london",
        "Tokyo v6,    2001:db8:1:200::/56, singapore",
        "Madrid v6,   2001:db8:2::/56,    london",
    })
    void nearestLocationIsChosenByClientSubnet(String city, String subnet, String location) {
        Message reply = viaSubnet("app.example.com", Type.A, subnet);
        assertEquals(Rcode.NOERROR, reply.getRcode());
        assertEquals(nodes(location), a(reply), city);
    }

    @Test
    void clientSubnetBeatsTheSourceAddress() {
        Message reply = dns.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "10.1.2.0/24"),
                Dns.address("10.3.0.53"));
        assertEquals(SINGAPORE, a(reply), "Sydney's subnet, though the resolver is in New York");
    }

    @Test
    void sourceAddressIsUsedWithoutClientSubnet() {
        assertEquals(SINGAPORE, a(from("10.1.1.1", "app.example.com", Type.A)));
        assertEquals(SEATTLE, a(from("10.3.1.1", "app.example.com", Type.A)));
        assertEquals(FRANKFURT, a(from("10.4.1.1", "app.example.com", Type.A)));
    }

    @Test
    void ipv6SourceAddressIsUsedWithoutClientSubnet() {
        assertEquals(SINGAPORE, a(from("2001:db8:1:2::99", "app.example.com", Type.A)));
    }

    @Test
    void ipv4MappedIpv6SourceCountsAsItsIpv4Address() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(Dns.address("10.1.1.1").getAddress(), 0, mapped, 12, 4);
        InetAddress dualStackSender = java.net.Inet6Address.getByAddress(null, mapped, -1);
        Message reply = dns.ask(Dns.query("app.example.com", Type.A, DClass.IN), dualStackSender);
        assertEquals(SINGAPORE, a(reply), "Sydney, as 10.1.1.1");
    }

    @Test
    void ednsWithoutClientSubnetUsesTheSourceAddressAndEchoesNoSubnet() {
        Message query = Dns.query("app.example.com", Type.A, DClass.IN);
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        Message reply = dns.ask(query, Dns.address("10.1.1.1"));
        assertEquals(SINGAPORE, a(reply));
        assertNotNull(reply.getOPT());
        assertNull(Dns.clientSubnet(reply));
    }

    @Test
    void clientSubnetWithSourcePrefixZeroUsesTheSourceAddressAndEchoesScopeZero() {
        Message reply = dns.ask(Dns.queryWithClientSubnet("app.example.com", Type.A, "0.0.0.0/0"),
                Dns.address("10.1.1.1"));
        assertEquals(SINGAPORE, a(reply), "placed by the source address, in Sydney");
        ClientSubnetOption ecs = Dns.clientSubnet(reply);
        assertEquals(0, ecs.getSourcePrefixLength());
        assertEquals(0, ecs.getScopePrefixLength());
    }

    @Test
    void unknownClientGetsTheUnknownOrder() {
        assertEquals(FRANKFURT, a(viaSubnet("fallback.example.com", Type.A, "10.99.0.0/24")));
        assertEquals(FRANKFURT, a(from("192.0.2.200", "fallback.example.com", Type.A)));
    }

    @Test
    void unknownClientOfANameWithoutAnUnknownOrderGetsItsFirstListedLocation() {
        assertEquals(LONDON, a(viaSubnet("app.example.com", Type.A, "10.99.0.0/24")));
    }

    @Test
    void placedClientOfANameWithAnUnknownOrderStillGetsTheNearest() {
        assertEquals(SINGAPORE, a(viaSubnet("fallback.example.com", Type.A, "10.1.2.0/24")));
    }

    // ---- overrides ----

    @Test
    void continentOverrideBeatsDistance() {
        assertEquals(SEATTLE, a(viaSubnet("tuned.example.com", Type.A, "10.1.2.0/24")), "Sydney is in OC");
    }

    @Test
    void countryOverrideBeatsDistance() {
        assertEquals(FRANKFURT, a(viaSubnet("tuned.example.com", Type.A, "10.9.1.0/24")), "Dublin is in IE");
    }

    @Test
    void countryOverrideAppliesWhereNoSubdivisionOverrideDoes() {
        assertEquals(SINGAPORE, a(viaSubnet("tuned.example.com", Type.A, "10.5.6.0/24")), "Los Angeles is US-CA");
    }

    @Test
    void subdivisionOverrideBeatsCountryOverride() {
        assertEquals(LONDON, a(viaSubnet("tuned.example.com", Type.A, "10.3.4.0/24")), "New York is US-NY");
    }

    @Test
    void clientsNoOverrideMatchesGetTheNearest() {
        assertEquals(FRANKFURT, a(viaSubnet("tuned.example.com", Type.A, "10.4.5.0/24")), "Munich");
        assertEquals(SINGAPORE, a(viaSubnet("tuned.example.com", Type.A, "10.6.7.0/24")), "Tokyo");
    }
}
