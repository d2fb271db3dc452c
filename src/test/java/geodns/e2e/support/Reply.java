package geodns.e2e.support;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A reply as a client saw it, the same shape whether it came from dig's output or from dnsjava.
 *
 * @param rcode      the full response code mnemonic (extended RCODE included): NOERROR, NXDOMAIN, BADVERS, ...
 * @param flags      header flags that are set, lower case: qr, aa, tc, rd, ra, ad, cd
 * @param additional the additional section without the OPT pseudo-record (that one is {@code edns})
 * @param edns       the OPT record, or null when the reply had none
 * @param size       the reply's size in bytes
 * @param transcript what the client printed (dig's output, or dnsjava's rendering), for failure messages
 */
public record Reply(String rcode, Set<String> flags, List<Rr> question, List<Rr> answer, List<Rr> authority,
                    List<Rr> additional, Edns edns, int size, String transcript) {

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public static List<String> keys(List<Rr> records) {
        return records.stream().map(Rr::key).collect(Collectors.toList());
    }

    public static Set<String> keySet(List<Rr> records) {
        return records.stream().map(Rr::key).collect(Collectors.toSet());
    }

    @Override
    public String toString() {
        return "\n" + transcript;
    }
}
