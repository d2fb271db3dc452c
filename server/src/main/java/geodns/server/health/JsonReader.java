package geodns.server.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict JSON (RFC 8259) into maps, lists, strings, longs, doubles, booleans and null, for the views peers send.
 * Not SnakeYAML, which reads JSON too but took 1.6 ms for a 50-node view, against some tens of microseconds
 * here: with 50 instances each reads about ten views a second. Duplicate keys, trailing bytes and nesting
 * deeper than a view's are errors.
 */
final class JsonReader {
    private static final int MAX_DEPTH = 8;

    private final String text;
    private int at;

    private JsonReader(String text) {
        this.text = text;
    }

    static final class Invalid extends Exception {
        Invalid(String why, int at) {
            super(why + " at character " + at);
        }
    }

    static Object read(String text) throws Invalid {
        JsonReader reader = new JsonReader(text);
        Object value = reader.value(0);
        reader.space();
        if (reader.at != text.length()) {
            throw new Invalid("more after the value", reader.at);
        }
        return value;
    }

    private Object value(int depth) throws Invalid {
        if (depth > MAX_DEPTH) {
            throw new Invalid("nested too deep", at);
        }
        space();
        if (at >= text.length()) {
            throw new Invalid("a value expected", at);
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object(int depth) throws Invalid {
        Map<String, Object> out = new LinkedHashMap<>();
        at++;
        space();
        if (peek() == '}') {
            at++;
            return out;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw new Invalid("a key expected", at);
            }
            String key = string();
            space();
            expect(':');
            if (out.containsKey(key)) {
                throw new Invalid("duplicate key '" + key + "'", at);
            }
            out.put(key, value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect('}');
                return out;
            }
        }
    }

    private List<Object> array(int depth) throws Invalid {
        List<Object> out = new ArrayList<>();
        at++;
        space();
        if (peek() == ']') {
            at++;
            return out;
        }
        while (true) {
            out.add(value(depth + 1));
            space();
            if (peek() == ',') {
                at++;
            } else {
                expect(']');
                return out;
            }
        }
    }

    private String string() throws Invalid {
        at++;
        StringBuilder out = new StringBuilder();
        while (at < text.length()) {
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new Invalid("a control character in a string", at - 1);
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (at >= text.length()) {
                break;
            }
            char e = text.charAt(at++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw new Invalid("a short \\u escape", at);
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException x) {
                        throw new Invalid("a bad \\u escape", at);
                    }
                    at += 4;
                }
                default -> throw new Invalid("a bad escape \\" + e, at - 1);
            }
        }
        throw new Invalid("an unterminated string", at);
    }

    private Object number() throws Invalid {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        int digits = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (at == digits || text.charAt(digits) == '0' && at - digits > 1) {
            throw new Invalid("a value expected", start);
        }
        boolean whole = true;
        if (peek() == '.') {
            whole = false;
            at++;
            int fraction = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (at == fraction) {
                throw new Invalid("digits expected after '.'", at);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            whole = false;
            at++;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            int exponent = at;
            while (at < text.length() && Character.isDigit(text.charAt(at))) {
                at++;
            }
            if (at == exponent) {
                throw new Invalid("digits expected in the exponent", at);
            }
        }
        String literal = text.substring(start, at);
        try {
            return whole && at - digits <= 18 ? (Object) Long.parseLong(literal) : (Object) Double.parseDouble(literal);
        } catch (NumberFormatException e) {
            throw new Invalid("a bad number", start);
        }
    }

    private Object word(String word, Object value) throws Invalid {
        if (!text.startsWith(word, at)) {
            throw new Invalid("a value expected", at);
        }
        at += word.length();
        return value;
    }

    private void expect(char c) throws Invalid {
        if (peek() != c) {
            throw new Invalid("'" + c + "' expected", at);
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void space() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }
}
