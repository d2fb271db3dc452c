package geodns.server.zone;

import geodns.server.config.ConfigError;
import org.xbill.DNS.Record;

/** A record and where it was written, so later checks can name the file and line. */
record PlacedRecord(Record record, String file, int line) {
    ConfigError error(String reason) {
        return new ConfigError(file, line, reason);
    }
}
