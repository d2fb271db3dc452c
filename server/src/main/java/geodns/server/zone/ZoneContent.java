package geodns.server.zone;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;

/** The records of one zone as read from its master file, checked for consistency. */
record ZoneContent(Name origin, String file, SOARecord soa, List<PlacedRecord> records) {}
