package geodns.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import geodns.e2e.support.Dig;
import geodns.e2e.support.GeodnsServer;
import geodns.e2e.support.ServerLogOnFailure;
import geodns.e2e.support.Transport;
import geodns.e2e.support.Wire;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * NSID (RFC 5001): a query that asks gets the instance's name ({@code --instance}) in the reply's OPT record, over
 * both UDP transports and TCP, so a person with {@code dig +nsid} knows which of the name servers answered.
 */
@ExtendWith(ServerLogOnFailure.class)
class NsidTest {
    static final String INSTANCE = "fra-node-1";
    /** dig 9.18 prints {@code ; NSID: 66 72 61 ... ("fra-node-1")}. */
    private static final Pattern DIG_NSID = Pattern.compile("; NSID: [0-9a-f ]*\\(\"([^\"]*)\"\\)");

    /** The same cluster behind each UDP transport. */
    enum Udp {
        NATIVE, NETTY
    }

    private static GeodnsServer nativeUdp;
    private static GeodnsServer nettyUdp;

    @BeforeAll
    static void start() {
        nativeUdp = GeodnsServer.start(GeodnsServer.exampleZones(), "--instance", INSTANCE);
        nettyUdp = GeodnsServer.start(GeodnsServer.exampleZones(), "--instance", INSTANCE,
                "--udp-transport", "netty");
    }

    @AfterAll
    static void stop() {
        for (GeodnsServer server : Arrays.asList(nativeUdp, nettyUdp)) {
            if (server != null) {
                server.close();
            }
        }
    }

    private static GeodnsServer server(Udp udp) {
        return udp == Udp.NATIVE ? nativeUdp : nettyUdp;
    }

    private static String digNsid(GeodnsServer server, Transport transport, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(transport.digOption(), "+ignore", "+norecurse",
                "+nsid"));
        args.addAll(List.of(more));
        Dig.Output out = Dig.run(server.dns(), args.toArray(new String[0]));
        out.only();
        Matcher m = DIG_NSID.matcher(out.text());
        return m.find() ? m.group(1) : null;
    }

    private static Message askDnsjava(GeodnsServer server, Transport transport, String name, int type,
                                      boolean nsid) {
        Message query;
        try {
            query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
        List<EDNSOption> options = nsid ? List.of(new GenericEDNSOption(EDNSOption.Code.NSID, new byte[0])) : List.of();
        query.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        return Wire.parse(Wire.exchange(transport, server.dns(), query.toWire()));
    }

    private static String nsidOf(Message reply) {
        assertNotNull(reply.getOPT(), () -> "an OPT record in " + reply);
        List<EDNSOption> nsid = reply.getOPT().getOptions(EDNSOption.Code.NSID);
        if (nsid.isEmpty()) {
            return null;
        }
        byte[] wire = nsid.get(0).toWire();
        return new String(wire, 4, wire.length - 4, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void digPlusNsidShowsTheInstanceNameOverUdp(Udp udp) {
        assertEquals(INSTANCE, digNsid(server(udp), Transport.UDP, "app.example.com", "A"));
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void digPlusNsidShowsTheInstanceNameOverTcp(Udp udp) {
        assertEquals(INSTANCE, digNsid(server(udp), Transport.TCP, "app.example.com", "A"));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void dnsjavaNsidQueryGetsTheInstanceNameWithItsAnswer(Transport transport) {
        Message reply = askDnsjava(nettyUdp, transport, "www.example.com.", Type.A, true);
        assertEquals(INSTANCE, nsidOf(reply));
        assertFalse(reply.getSection(Section.ANSWER).isEmpty(), reply::toString);
    }

    @ParameterizedTest
    @EnumSource(Udp.class)
    void queryWithoutNsidGetsNoNsidAndOnlyTheOptionsBytesDiffer(Udp udp) {
        Message without = askDnsjava(server(udp), Transport.UDP, "www.example.com.", Type.A, false);
        Message with = askDnsjava(server(udp), Transport.UDP, "www.example.com.", Type.A, true);
        assertNull(nsidOf(without));
        assertEquals(INSTANCE, nsidOf(with));
        assertEquals(without.numBytes() + 4 + INSTANCE.length(), with.numBytes());
        assertEquals(without.getSection(Section.ANSWER), with.getSection(Section.ANSWER));
    }

    @Test
    void nsidIsCountedAgainstTheUdpSizeSoAReplyThatNoLongerFitsIsTruncated() {
        // medium.example.com TXT is between 512 and 1232 bytes: advertise exactly its size without NSID.
        Message plain = askDnsjava(nativeUdp, Transport.UDP, "medium.example.com.", Type.TXT, false);
        int size = plain.numBytes();
        assertTrue(size > 512, () -> "medium.example.com's reply must be over 512 bytes, is " + size);
        assertFalse(plain.getHeader().getFlag(Flags.TC));

        Dig.Output cut = Dig.run(nativeUdp.dns(), "+notcp", "+ignore", "+norecurse", "+nsid", "+bufsize=" + size,
                "medium.example.com", "TXT");
        assertTrue(cut.only().flag("tc"), cut::text);
        assertTrue(cut.only().answer().isEmpty(), cut::text);
        assertTrue(cut.text().contains("(\"" + INSTANCE + "\")"), cut::text);

        Dig.Output fits = Dig.run(nativeUdp.dns(), "+notcp", "+ignore", "+norecurse", "+nsid",
                "+bufsize=" + (size + 4 + INSTANCE.length()), "medium.example.com", "TXT");
        assertFalse(fits.only().flag("tc"), fits::text);
        assertEquals(3, fits.only().answer().size(), fits::text);
        assertTrue(fits.text().contains("(\"" + INSTANCE + "\")"), fits::text);
    }
}
