package geodns.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reading the repository's build files as a test checks them: text, shell words, Maven poms. */
public final class RepoFiles {
    private RepoFiles() {
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String stripSlash(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** {@code text} split into words as sh does for plain and quoted words (no expansions). */
    public static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new AssertionError("unterminated quote in " + text);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    public static List<String> modules(Path pom) {
        Document doc = xml(pom);
        NodeList modules = doc.getElementsByTagName("module");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < modules.getLength(); i++) {
            out.add(modules.item(i).getTextContent().trim());
        }
        if (out.isEmpty()) {
            throw new AssertionError("no <module> in " + pom);
        }
        return out;
    }

    /** The outputFile of the maven-shade-plugin in {@code pom}. */
    public static String shadeOutputFile(Path pom) {
        NodeList plugins = xml(pom).getElementsByTagName("plugin");
        for (int i = 0; i < plugins.getLength(); i++) {
            Element plugin = (Element) plugins.item(i);
            if (childText(plugin, "artifactId").equals("maven-shade-plugin")) {
                NodeList outputs = plugin.getElementsByTagName("outputFile");
                if (outputs.getLength() == 1) {
                    return outputs.item(0).getTextContent().trim();
                }
            }
        }
        throw new AssertionError("no maven-shade-plugin with one outputFile in " + pom);
    }

    /** project/build/directory of {@code pom}, or "" when it keeps Maven's default (target). */
    public static String buildDirectory(Path pom) {
        Element project = xml(pom).getDocumentElement();
        for (Node n = project.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("build")) {
                return childText(e, "directory");
            }
        }
        return "";
    }

    private static String childText(Element element, String name) {
        for (Node n = element.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().trim();
            }
        }
        return "";
    }

    private static Document xml(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new AssertionError("cannot parse " + file + ": " + e, e);
        }
    }
}
