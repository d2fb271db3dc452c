package geodns.server.transfer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The transfer config ({@code transfer.yaml} in the zones folder): TSIG keys, and per zone who may transfer it
 * and which secondaries to NOTIFY. No file: no zone is offered.
 *
 * @param lines where each zone's entry is, for errors found once the zones are known
 * @param secretFiles the files the keys' secrets were read from
 */
public record TransferConfig(String file, Map<Name, TsigKey> keys, Map<Name, Rules> zones, Map<Name, Integer> lines,
                      List<Path> secretFiles) {
    public static TransferConfig none() {
        return new TransferConfig(null, Map.of(), Map.of(), Map.of(), List.of());
    }
}
