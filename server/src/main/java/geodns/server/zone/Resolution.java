package geodns.server.zone;

import geodns.server.wire.Header;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What an authoritative server says for one question, before it is encoded. When {@code geoName} is set the
 * answer continues with that geo name's addresses for the client's location, chosen per query.
 */
record Resolution(int rcode, boolean authoritative, List<Record> answer, List<Record> authority,
                  List<Record> additional, Name geoName) {

    Resolution(int rcode, boolean authoritative, List<Record> answer, List<Record> authority,
               List<Record> additional) {
        this(rcode, authoritative, answer, authority, additional, null);
    }

    Sections encode(SectionsEncoder encoder) {
        int flags = rcode | (authoritative ? Header.AA : 0);
        return encoder.encode(answer, authority, additional, flags);
    }
}
