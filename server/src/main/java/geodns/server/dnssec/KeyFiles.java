package geodns.server.dnssec;

import geodns.server.config.ConfigError;
import geodns.server.config.Links;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * The keys folder ({@code --keys}) in BIND's format, so keys move between geodns, BIND and Knot (keymgr import-bind):
 * {@code K<zone>.+<algorithm>+<tag>.key} holds the DNSKEY, {@code .private} beside it the private key. A key with
 * both signs its zone; a {@code .key} alone is published only, which is how a rollover pre-publishes the next key
 * and retires the last one, driven by files and reload. Every mistake is an error {@code file: reason}; no message
 * ever carries private key material, not even a line of a {@code .private} file.
 */
public final class KeyFiles {
    static final Pattern NAME = Pattern.compile("K(.*)\\+([0-9]{3})\\+([0-9]{5})\\.(key|private)");
    static final String KEY = ".key";
    static final String PRIVATE = ".private";
    /** The DNSKEY TTL when the .key file gives none (BIND's dnssec-keygen writes none unless -L). */
    static final long DEFAULT_TTL = 3600;
    private static final int ZONE_FLAG = 0x100;
    private static final int REVOKE_FLAG = 0x80;

    private KeyFiles() {}

    /**
     * What a keys folder holds, when {@code errors} is empty; {@code warnings} (private files others may read) do
     * not stop a load.
     */
    public record Read(Map<Name, ZoneKeys> keys, List<ConfigError> errors, List<ConfigError> warnings) {
        public static Read none() {
            return new Read(Map.of(), List.of(), List.of());
        }

        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** @param served whether a zone is served here; a key for any other zone is an error */
    public static Read read(Path dir, Predicate<Name> served) {
        return read(dir, served, zone -> true, true);
    }

    /**
     * The keys of one zone, signing or not, and the mistakes in their files only: what {@code geodns dnssec ds}
     * needs, where the private halves may be elsewhere.
     */
    public static Read readZone(Path dir, Name zone) {
        return read(dir, z -> true, zone::equals, false);
    }

    private static Read read(Path dir, Predicate<Name> served, Predicate<Name> wanted, boolean mustSign) {
        List<ConfigError> errors = new ArrayList<>();
        List<ConfigError> warnings = new ArrayList<>();
        Map<Name, List<ZoneKey>> byZone = new TreeMap<>();
        Map<Name, Path> firstFile = new LinkedHashMap<>();
        List<Path> files = files(dir, errors).stream().filter(f -> wanted.test(zoneOfName(f))).toList();
        Set<Path> present = Set.copyOf(files);
        for (Path file : files) {
            String name = file.getFileName().toString();
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                errors.add(error(file, "not a key file name: K<zone>.+<algorithm>+<tag>" + (name.endsWith(KEY)
                        ? KEY : PRIVATE) + ", e.g. Kexample.com.+013+12345" + KEY));
                continue;
            }
            Path keyFile = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + KEY);
            if (m.group(4).equals("private")) {
                if (!present.contains(keyFile)) {
                    errors.add(error(file, "no " + keyFile.getFileName() + " beside it: a private key signs only"
                            + " with its DNSKEY file"));
                }
                continue;  // read with its .key
            }
            Path privateFile = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + PRIVATE);
            ZoneKey key = key(file, m, present.contains(privateFile) ? privateFile : null, served, errors, warnings);
            if (key != null) {
                byZone.computeIfAbsent(key.dnskey().getName(), z -> new ArrayList<>()).add(key);
                firstFile.putIfAbsent(key.dnskey().getName(), file);
            }
        }
        Map<Name, ZoneKeys> keys = new LinkedHashMap<>();
        byZone.forEach((zone, list) -> {
            if (mustSign && list.stream().noneMatch(ZoneKey::signs)) {
                errors.add(error(firstFile.get(zone), "no key of " + zone + " has its " + PRIVATE + " file here,"
                        + " so nothing would sign the zone (a " + KEY + " alone is published only, as in a rollover)"));
            }
            list.sort(Comparator.comparingInt(ZoneKey::tag));
            keys.put(zone, new ZoneKeys(zone, list));
        });
        return new Read(errors.isEmpty() ? Map.copyOf(keys) : Map.of(), List.copyOf(errors), List.copyOf(warnings));
    }

    /** The files a load of {@code dir} reads, and the folder itself (its stamp moves when a file comes or goes). */
    public static List<Path> watched(Path dir) {
        if (dir == null) {
            return List.of();
        }
        List<Path> all = new ArrayList<>(List.of(dir));
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(KeyFiles::keyFileName).forEach(all::add);
        } catch (IOException | RuntimeException e) {
            // the load reports it
        }
        return List.copyOf(all);
    }

    /** The zone a key file's name gives, or null when it gives none (then any caller wants to hear of it). */
    private static Name zoneOfName(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        try {
            return m.matches() ? Name.fromString(m.group(1), Name.root) : null;
        } catch (TextParseException e) {
            return null;
        }
    }

    /** K*.key and K*.private, not hidden; BIND's K*.state and anything else in the folder are not ours. */
    private static boolean keyFileName(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith("K") && (name.endsWith(KEY) || name.endsWith(PRIVATE));
    }

    private static List<Path> files(Path dir, List<ConfigError> errors) {
        if (!Files.isDirectory(dir)) {
            errors.add(error(dir, Files.exists(dir) ? "not a directory (--keys names the folder of key files)"
                    : "no such folder (--keys)"));
            return List.of();
        }
        try (Stream<Path> list = Files.list(dir)) {
            // A Secret's mount holds hidden ..data folders and links to them.
            return list.filter(KeyFiles::keyFileName)
                    .sorted()
                    .filter(f -> !Links.report(f, errors))
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            errors.add(error(dir, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }

    private static ZoneKey key(Path file, Matcher name, Path privateFile, Predicate<Name> served,
                               List<ConfigError> errors, List<ConfigError> warnings) {
        DNSKEYRecord dnskey = dnskey(file, errors);
        if (dnskey == null) {
            return null;
        }
        int errorsBefore = errors.size();
        Name zone;
        try {
            zone = Name.fromString(name.group(1), Name.root);
        } catch (TextParseException e) {
            errors.add(error(file, "file name is not K<zone>.+<algorithm>+<tag>: " + e.getMessage()));
            return null;
        }
        if (!zone.equals(dnskey.getName())) {
            errors.add(error(file, "the file name says zone " + zone + ", its DNSKEY is for " + dnskey.getName()));
        }
        if (Integer.parseInt(name.group(2)) != dnskey.getAlgorithm()
                || Integer.parseInt(name.group(3)) != dnskey.getFootprint()) {
            errors.add(error(file, String.format("the file name says algorithm %s and key tag %s, its DNSKEY has"
                    + " algorithm %d and tag %05d", name.group(2), name.group(3), dnskey.getAlgorithm(),
                    dnskey.getFootprint())));
        }
        KeyAlgorithm algorithm = KeyAlgorithm.of(dnskey.getAlgorithm());
        if (algorithm == null) {
            errors.add(error(file, "algorithm " + mnemonic(dnskey.getAlgorithm()) + " is not supported: geodns signs"
                    + " with " + KeyAlgorithm.supported()));
        }
        if ((dnskey.getFlags() & ZONE_FLAG) == 0 || (dnskey.getFlags() & REVOKE_FLAG) != 0
                || dnskey.getProtocol() != 3) {
            errors.add(error(file, "flags " + dnskey.getFlags() + " protocol " + dnskey.getProtocol() + ": not a zone"
                    + " key (flags 256 or 257, protocol 3)"));
        }
        if (!served.test(dnskey.getName())) {
            errors.add(error(file, "a key for " + dnskey.getName() + ", a zone not served here (no "
                    + dnskey.getName().toString(true) + ".zone)"));
        }
        if (errors.size() > errorsBefore) {
            return null;
        }
        if (privateFile == null) {
            return new ZoneKey(dnskey, null);
        }
        PrivateKey privateKey = privateKey(privateFile, algorithm, dnskey, errors);
        if (privateKey == null) {
            return null;
        }
        warnIfReadableByOthers(privateFile, warnings);
        return new ZoneKey(dnskey, privateKey);
    }

    private static String mnemonic(int algorithm) {
        try {
            return algorithm + " (" + DNSSEC.Algorithm.string(algorithm) + ")";
        } catch (RuntimeException e) {
            return String.valueOf(algorithm);
        }
    }

    /** The one DNSKEY record of a .key file; comments (BIND's "; This is a key-signing key...") are skipped. */
    private static DNSKEYRecord dnskey(Path file, List<ConfigError> errors) {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (IOException e) {
            errors.add(error(file, "cannot read: " + ConfigError.reason(e)));
            return null;
        }
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(text), Name.root, DEFAULT_TTL)) {
            for (Record r = master.nextRecord(); r != null; r = master.nextRecord()) {
                records.add(r);
            }
        } catch (IOException | RuntimeException e) {
            errors.add(error(file, "not a DNSKEY record: " + e.getMessage()));
            return null;
        }
        if (records.size() != 1 || !(records.get(0) instanceof DNSKEYRecord dnskey)
                || records.get(0).getDClass() != DClass.IN) {
            errors.add(error(file, "holds " + records.size() + " record(s) of type(s) " + records.stream()
                    .map(r -> org.xbill.DNS.Type.string(r.getType())).distinct().toList()
                    + ", not one DNSKEY record of class IN"));
            return null;
        }
        return dnskey;
    }

    /**
     * The {@code PrivateKey:} of a .private file (BIND's Private-key-format v1.2, v1.3), checked against the DNSKEY.
     * Messages name fields and line numbers, never a line's text.
     */
    private static PrivateKey privateKey(Path file, KeyAlgorithm algorithm, DNSKEYRecord dnskey,
                                         List<ConfigError> errors) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            errors.add(error(file, "cannot read: " + ConfigError.reason(e)));
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        int errorsBefore = errors.size();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith(";")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                errors.add(new ConfigError(file.toString(), i + 1, "not a 'Field: value' line"));
                continue;
            }
            fields.putIfAbsent(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            lineOf.putIfAbsent(line.substring(0, colon).strip(), i + 1);
        }
        String format = fields.get("Private-key-format");
        if (format == null || !format.matches("v1\\.[0-9]+")) {
            errors.add(error(file, format == null ? "no Private-key-format line (BIND's v1.3)"
                    : "Private-key-format " + format + " is not v1.x"));
        }
        String declared = fields.get("Algorithm");
        if (declared == null) {
            errors.add(error(file, "no Algorithm line"));
        } else if (!declared.matches("[0-9]+( .*)?") || Integer.parseInt(declared.split(" ")[0]) != algorithm.number()) {
            errors.add(new ConfigError(file.toString(), lineOf.get("Algorithm"), "Algorithm " + declared
                    + " is not its DNSKEY's, " + algorithm.described()));
        }
        String encoded = fields.get("PrivateKey");
        if (encoded == null) {
            errors.add(error(file, "no PrivateKey line"));
        }
        if (errors.size() > errorsBefore) {
            return null;
        }
        try {
            PrivateKey key = algorithm.privateKey(Base64.getDecoder().decode(encoded.replace(" ", "")));
            if (!algorithm.pair(key, dnskey.getPublicKey())) {
                errors.add(error(file, "its private key is not the other half of the public key in "
                        + file.resolveSibling(file.getFileName().toString().replace(PRIVATE, KEY)).getFileName()));
                return null;
            }
            return key;
        } catch (IllegalArgumentException e) {
            // Base64's own messages name a character: of key material, so not repeated here.
            String why = e.getMessage() != null && e.getMessage().startsWith("PrivateKey is ") ? e.getMessage()
                    : "PrivateKey is not base64";
            errors.add(new ConfigError(file.toString(), lineOf.get("PrivateKey"), why));
        } catch (GeneralSecurityException | DNSSEC.DNSSECException e) {
            errors.add(new ConfigError(file.toString(), lineOf.get("PrivateKey"), "PrivateKey is not an "
                    + algorithm.name() + " key"));
        }
        return null;
    }

    /**
     * Group read is fine when the group is one of this process's own: a Kubernetes Secret's files get the pod's
     * fsGroup and group read (0440) whatever defaultMode says, and geodns's user is that group's only member.
     */
    private static void warnIfReadableByOthers(Path file, List<ConfigError> warnings) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            boolean others = permissions.contains(PosixFilePermission.OTHERS_READ);
            boolean group = permissions.contains(PosixFilePermission.GROUP_READ)
                    && !ownGroups().contains((Integer) Files.getAttribute(file, "unix:gid"));
            if (others || group) {
                warnings.add(error(file, "a private key readable by " + (others ? "everyone" : "its group")
                        + ": chmod 600 it (or 400; in Kubernetes, the Secret's defaultMode 0400)"));
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not a POSIX file system: nothing to say
        }
    }

    /** This process's effective group and supplementary groups, from /proc (none elsewhere). */
    private static Set<Integer> ownGroups() {
        Set<Integer> groups = new java.util.HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] fields = line.split("\\s+");
                if (fields[0].equals("Gid:") && fields.length > 2) {
                    groups.add(Integer.parseInt(fields[2]));
                } else if (fields[0].equals("Groups:")) {
                    for (int i = 1; i < fields.length; i++) {
                        groups.add(Integer.parseInt(fields[i]));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: every group counts as another's
        }
        return groups;
    }

    private static ConfigError error(Path file, String reason) {
        return new ConfigError(file.toString(), 0, reason);
    }
}
