package geodns.server.zone;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dnsjava's master-file messages, said the way an operator can act on: a TTL too large for dnsjava's parser is
 * tried as the record type next and reported as "Invalid type '99999999999'"; a first record written without an
 * owner is "no owner".
 */
final class ParseMessages {
    /** RFC 2181 §8: a TTL is 0 to 2^31 - 1 seconds. */
    static final long MAX_TTL = Integer.MAX_VALUE;
    private static final Pattern INVALID_TYPE = Pattern.compile("Invalid type '(.*)'");
    /** What a TTL looks like: seconds, or BIND's units (1w2d3h4m5s); signed, since "-5" is meant as a TTL too. */
    private static final Pattern TTL_LIKE = Pattern.compile("-?[0-9]+([smhdwSMHDW]([0-9]+[smhdwSMHDW])*)?");

    private ParseMessages() {}

    static String clarify(String message) {
        Matcher m = INVALID_TYPE.matcher(message);
        if (m.matches() && TTL_LIKE.matcher(m.group(1)).matches()) {
            String token = m.group(1);
            boolean seconds = token.matches("-?[0-9]+");
            if (!seconds || outOfRange(new BigInteger(token))) {
                return "TTL " + token + " out of range (0.." + MAX_TTL + ")";
            }
            return "'" + token + "' is not a record type (is it a second TTL?)";
        }
        if (message.equals("no owner")) {
            return "no owner name: a line that starts with a space or tab takes the owner of the record before it,"
                    + " and there is none (write @ for the zone's origin, e.g. '@ IN SOA ...')";
        }
        if (message.equals("expected a TTL value")) {
            return "$TTL needs a TTL from 0 to " + MAX_TTL + " (seconds, or with units like 1h30m)";
        }
        return message;
    }

    private static boolean outOfRange(BigInteger value) {
        return value.signum() < 0 || value.compareTo(BigInteger.valueOf(MAX_TTL)) > 0;
    }
}
