package io.patchwatch.connectors.sinks.syslog;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.Alert;
import java.util.Map;

/**
 * An alert as an IBM QRadar Log Event Extended Format (LEEF 1.0) line, the option for QRadar:
 *
 * <pre>
 * LEEF:1.0|patchwatch|patchwatch|VERSION|rule|devTime=...&lt;TAB&gt;sev=...&lt;TAB&gt;cat=...
 * </pre>
 *
 * Attributes are separated by tabs, so a tab or line break in a value is written as {@code \t},
 * {@code \n} or {@code \r} and a backslash as {@code \\}; {@code |} in the header is escaped with a
 * backslash. sev is LEEF's 1-10 (the CEF severity, at least 1; a resolve is 1). The attribute
 * names and values are the CEF extensions, so both formats carry the same facts.
 */
public final class LeefFormat {
    private final String version;

    public LeefFormat(String version) {
        this.version = version;
    }

    public String format(Alert a) {
        StringBuilder b = new StringBuilder(256).append("LEEF:1.0|");
        CefFormat.header(b, CefFormat.VENDOR).append('|');
        CefFormat.header(b, CefFormat.PRODUCT).append('|');
        CefFormat.header(b, version).append('|');
        CefFormat.header(b, a.getRule()).append('|');
        b.append("devTime=").append(a.getTs());
        b.append("\tsev=").append(Math.max(1, CefFormat.severity(a)));
        for (Map.Entry<String, String> e : CefFormat.extensions(a).entrySet()) {
            if (e.getValue() == null || e.getKey().equals("rt")) {
                continue;
            }
            b.append('\t').append(e.getKey()).append('=');
            value(b, e.getValue());
        }
        return b.toString();
    }

    static StringBuilder value(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                // Any other control character (ESC, NUL, NEL, U+2028, ...) never reaches a line raw.
                default -> b.append(SafeText.isUnsafe(c) ? ' ' : c);
            }
        }
        return b;
    }
}
