package geodns.server.wire;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Encodes records into {@link Sections} at load time. Owner names are compressed against the question name and
 * against owners written before them; RDATA is written uncompressed, which RFC 3597 §4 always allows.
 */
public final class SectionsEncoder {
    private static final int MAX_POINTER = 0x3fff;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Name, Integer> written = new HashMap<>();
    private final boolean positionKnown;
    private final int base;

    private SectionsEncoder(Name question, boolean positionKnown) {
        this.positionKnown = positionKnown;
        this.base = question == null ? 0 : Header.LENGTH + question.length() + 4;
        if (question == null) {
            return;
        }
        written.put(question, Header.LENGTH);
        if (positionKnown) {
            int offset = Header.LENGTH;
            for (int i = 0; i < question.labels() - 1; i++) {
                written.put(new Name(question, i), offset);
                offset += (question.getLabel(i)[0] & 0xff) + 1;
            }
        }
    }

    /** For a query whose name is {@code question}: owners point into the question and at each other. */
    public static SectionsEncoder forName(Name question) {
        return new SectionsEncoder(question, true);
    }

    /**
     * For answers synthesized from {@code wildcard}: the query name has unknown length, so owners equal to the
     * wildcard point at the whole question (which holds the query name) and all else is written in full.
     */
    public static SectionsEncoder forWildcard(Name wildcard) {
        return new SectionsEncoder(wildcard, false);
    }

    /** For answers shared by many query names, such as a zone's NXDOMAIN: nothing points into the question. */
    public static SectionsEncoder standalone() {
        return new SectionsEncoder(null, false);
    }

    public Sections encode(List<Record> answer, List<Record> authority, List<Record> additional, int flags) {
        writeAll(answer);
        writeAll(authority);
        writeAll(additional);
        return new Sections(out.toByteArray(), answer.size(), authority.size(), additional.size(), flags);
    }

    private void writeAll(List<Record> records) {
        for (Record r : records) {
            writeOwner(r.getName());
            byte[] full = r.toWire(Section.ANSWER);
            int ownerLength = r.getName().length();
            out.write(full, ownerLength, full.length - ownerLength);
        }
    }

    private void writeOwner(Name owner) {
        int labels = owner.labels();
        for (int i = 0; i < labels - 1; i++) {
            Name suffix = i == 0 ? owner : new Name(owner, i);
            Integer pointer = written.get(suffix);
            if (pointer != null) {
                out.write(0xc0 | (pointer >>> 8));
                out.write(pointer & 0xff);
                return;
            }
            int position = base + out.size();
            if (positionKnown && position <= MAX_POINTER) {
                written.put(suffix, position);
            }
            byte[] label = owner.getLabel(i);
            out.write(label, 0, label.length);
        }
        out.write(0);
    }
}
