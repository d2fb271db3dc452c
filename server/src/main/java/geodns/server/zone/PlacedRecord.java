package geodns.server.zone;

import org.xbill.DNS.Record;

/** A record and where it was written, so later checks can name the file and line. */
record PlacedRecord(Record record, String file, int line) {
    ZoneError error(String reason) {
        return new ZoneError(file, line, reason);
    }
}
