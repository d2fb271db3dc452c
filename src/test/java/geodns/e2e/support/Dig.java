package geodns.e2e.support;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code dig} (bounded: one try, two seconds, killed after ten) and parses what it prints into {@link Reply}s.
 * Over UDP dig is always told {@code +ignore}, so a truncated reply is shown as it came instead of being retried
 * over TCP.
 */
public final class Dig {
    private static final Pattern HEADER =
            Pattern.compile(";; ->>HEADER<<- opcode: (\\S+), status: (\\S+), id: (\\d+)");
    private static final Pattern FLAGS = Pattern.compile(";; flags:([a-z ]*);");
    private static final Pattern EDNS = Pattern.compile("; EDNS: version: (\\d+), flags:([a-z ]*); udp: (\\d+)");
    private static final Pattern SIZE = Pattern.compile(";; MSG SIZE\\s+rcvd: (\\d+)");
    private static final Pattern SECTION = Pattern.compile(";; (QUESTION|ANSWER|AUTHORITY|ADDITIONAL) SECTION:");

    private Dig() {
    }

    /** What one dig run printed, and its exit status. */
    public record Output(int exitCode, String text, List<Reply> replies) {
        public Reply only() {
            if (replies.size() != 1) {
                throw new AssertionError("expected exactly one reply from dig, got " + replies.size()
                        + " (exit " + exitCode + "):\n" + text);
            }
            return replies.get(0);
        }
    }

    /** Asks {@code ask} of the server at {@code server} over {@code transport}; fails unless exactly one reply came. */
    public static Reply ask(InetSocketAddress server, Transport transport, Ask ask) {
        List<String> args = new ArrayList<>();
        args.add(transport.digOption());
        if (transport == Transport.UDP) {
            args.add("+ignore");
        }
        args.add(ask.recursionDesired ? "+recurse" : "+norecurse");
        if (ask.edns) {
            args.add("+edns=" + ask.ednsVersion);
            args.add("+noednsnegotiation");
            args.add("+bufsize=" + ask.bufsize);
            if (ask.ednsFlags != 0) {
                args.add("+ednsflags=" + ask.ednsFlags);
            }
            for (Ask.Option option : ask.options) {
                args.add("+ednsopt=" + option.code() + ":" + HexFormat.of().formatHex(option.data()));
            }
        } else {
            args.add("+noedns");
        }
        args.add("-c");
        args.add(ask.dnsClass);
        args.add("-t");
        args.add(ask.type);
        args.add("-q");
        args.add(ask.name);
        return run(server, args.toArray(new String[0])).only();
    }

    /** Runs {@code dig @host -p port +tries=1 +time=2 args...} and parses every reply it printed. */
    public static Output run(InetSocketAddress server, String... args) {
        List<String> command = new ArrayList<>();
        command.add("dig");
        String host = server.getAddress().getHostAddress();
        if (server.getAddress() instanceof Inet6Address && host.contains("%")) {
            host = host.substring(0, host.indexOf('%'));
        }
        command.add("@" + host);
        command.add("-p");
        command.add(Integer.toString(server.getPort()));
        command.add("+tries=1");
        command.add("+time=2");
        command.addAll(List.of(args));
        Path out = null;
        try {
            out = Files.createTempFile("dig-", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .start();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("dig did not finish in 15 s: " + String.join(" ", command));
            }
            String text = "$ " + String.join(" ", command) + "\n"
                    + Files.readString(out, StandardCharsets.UTF_8);
            return new Output(process.exitValue(), text, parse(text));
        } catch (IOException e) {
            throw new AssertionError("cannot run dig (is bind9-dnsutils installed?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
        }
    }

    /** Parses dig's default output; one {@link Reply} per "->>HEADER<<-" line. */
    public static List<Reply> parse(String text) {
        List<Reply> replies = new ArrayList<>();
        String[] lines = text.split("\n");
        int i = 0;
        while (i < lines.length) {
            Matcher header = HEADER.matcher(lines[i]);
            if (!header.find()) {
                i++;
                continue;
            }
            int start = i;
            int end = i + 1;
            while (end < lines.length && !HEADER.matcher(lines[end]).find()) {
                end++;
            }
            replies.add(parseOne(lines, start, end, header.group(2)));
            i = end;
        }
        return replies;
    }

    private static Reply parseOne(String[] lines, int start, int end, String status) {
        Set<String> flags = new LinkedHashSet<>();
        Edns edns = null;
        int size = -1;
        List<Rr> question = new ArrayList<>();
        List<Rr> answer = new ArrayList<>();
        List<Rr> authority = new ArrayList<>();
        List<Rr> additional = new ArrayList<>();
        List<Rr> current = null;
        StringBuilder transcript = new StringBuilder();
        for (int i = start; i < end; i++) {
            String line = lines[i];
            transcript.append(line).append('\n');
            Matcher m;
            if ((m = FLAGS.matcher(line)).find()) {
                for (String f : m.group(1).trim().split("\\s+")) {
                    if (!f.isEmpty()) {
                        flags.add(f);
                    }
                }
                continue;
            }
            if ((m = EDNS.matcher(line)).find()) {
                edns = new Edns(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), m.group(2).trim());
                continue;
            }
            if ((m = SIZE.matcher(line)).find()) {
                size = Integer.parseInt(m.group(1));
                current = null;
                continue;
            }
            if ((m = SECTION.matcher(line)).find()) {
                switch (m.group(1)) {
                    case "QUESTION" -> current = question;
                    case "ANSWER" -> current = answer;
                    case "AUTHORITY" -> current = authority;
                    default -> current = additional;
                }
                continue;
            }
            if (line.isBlank()) {
                current = null;
                continue;
            }
            if (current == question && line.startsWith(";") && !line.startsWith(";;")) {
                String[] f = line.substring(1).trim().split("\\s+");
                if (f.length >= 3) {
                    question.add(new Rr(f[0], 0, f[1], f[2], ""));
                }
                continue;
            }
            if (line.startsWith(";")) {
                if (line.startsWith(";;")) {
                    current = null;
                }
                continue;
            }
            if (current != null && current != question) {
                String[] f = line.trim().split("\\s+", 5);
                if (f.length >= 4) {
                    String type = f[3].toUpperCase(Locale.ROOT);
                    String data = f.length == 5 ? f[4].trim() : "";
                    if (type.equals("AAAA")) {
                        data = Ipv6.canonical(data);
                    }
                    current.add(new Rr(f[0], Long.parseLong(f[1]), f[2], type, data));
                }
            }
        }
        return new Reply(status, flags, question, answer, authority, additional, edns, size, transcript.toString());
    }
}
