package io.patchwatch.connectors.sinks.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CEF reader as a SIEM has one, written from the specification independently of
 * {@link CefFormat}: seven header fields split at unescaped {@code |}, then extension pairs whose
 * keys end at an unescaped {@code =}.
 */
final class CefParser {
    record Event(List<String> header, Map<String, String> extensions) {}

    private CefParser() {}

    static Event parse(String line) {
        if (!line.startsWith("CEF:")) {
            throw new IllegalArgumentException("not CEF: " + line);
        }
        List<String> header = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 4;
        while (header.size() < 7) {
            char c = line.charAt(i++);
            if (c == '\\') {
                field.append(line.charAt(i++));
            } else if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        return new Event(header, extensions(line.substring(i)));
    }

    private static Map<String, String> extensions(String ext) {
        // Positions of the '=' that separate a key from its value (unescaped ones).
        List<Integer> equals = new ArrayList<>();
        for (int i = 0; i < ext.length(); i++) {
            if (ext.charAt(i) == '\\') {
                i++;
            } else if (ext.charAt(i) == '=') {
                equals.add(i);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (int k = 0; k < equals.size(); k++) {
            int eq = equals.get(k);
            int keyStart = ext.lastIndexOf(' ', eq) + 1;
            String key = ext.substring(keyStart, eq);
            int valueEnd = k + 1 < equals.size() ? ext.lastIndexOf(' ', equals.get(k + 1)) : ext.length();
            out.put(key, unescape(ext.substring(eq + 1, valueEnd)));
        }
        return out;
    }

    private static String unescape(String v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                char n = v.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
