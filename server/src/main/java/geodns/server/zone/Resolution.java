package geodns.server.zone;

import geodns.server.wire.Header;
import geodns.server.wire.Sections;
import geodns.server.wire.SectionsEncoder;
import java.util.List;
import org.xbill.DNS.Record;

/** What an authoritative server says for one question, before it is encoded. */
record Resolution(int rcode, boolean authoritative, List<Record> answer, List<Record> authority,
                  List<Record> additional) {

    Sections encode(SectionsEncoder encoder) {
        int flags = rcode | (authoritative ? Header.AA : 0);
        return encoder.encode(answer, authority, additional, flags);
    }
}
