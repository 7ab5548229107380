package io.patchwatch.connectors.sinks.syslog;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An alert as an ArcSight Common Event Format (CEF:0) line, for SIEMs that read syslog:
 *
 * <pre>
 * CEF:0|patchwatch|patchwatch|VERSION|rule|message|severity|rt=... dvchost=... act=firing ...
 * </pre>
 *
 * Escaping follows the CEF specification: in the header {@code \} and {@code |} are escaped with a
 * backslash; in extension values {@code \}, {@code =} and line breaks ({@code \n}, {@code \r}). So a
 * device name or a message holding any of them cannot end a field or forge one. Severity is CEF's
 * 0-10: critical 10, error 7, warning 5, anything else 3; a resolve carries 0.
 */
public final class CefFormat {
    public static final String VENDOR = "patchwatch";
    public static final String PRODUCT = "patchwatch";

    private final String version;

    public CefFormat(String version) {
        this.version = version;
    }

    public String format(Alert a) {
        StringBuilder b = new StringBuilder(256).append("CEF:0|");
        header(b, VENDOR).append('|');
        header(b, PRODUCT).append('|');
        header(b, version).append('|');
        header(b, a.getRule()).append('|');
        header(b, a.getMessage()).append('|');
        b.append(severity(a)).append('|');
        boolean first = true;
        for (Map.Entry<String, String> e : extensions(a).entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            if (!first) {
                b.append(' ');
            }
            first = false;
            b.append(e.getKey()).append('=');
            extensionValue(b, e.getValue());
        }
        return b.toString();
    }

    /** CEF severity 0-10 of an alert; 0 for a resolve. */
    public static int severity(Alert a) {
        if (a.getStatus() == AlertStatus.resolved) {
            return 0;
        }
        return switch (a.getSeverity().toLowerCase(Locale.ROOT)) {
            case "critical" -> 10;
            case "error" -> 7;
            case "warning" -> 5;
            default -> 3;
        };
    }

    /** The extension fields, in a fixed order (standard CEF keys; custom strings labelled). */
    static Map<String, String> extensions(Alert a) {
        Map<String, String> x = new LinkedHashMap<>();
        x.put("rt", Long.toString(a.getTs()));
        x.put("act", a.getStatus().name());
        x.put("dvchost", a.getDevice());
        x.put("cat", a.getRule());
        x.put("externalId", a.getDedupKey());
        x.put("msg", a.getMessage());
        x.put("cs1Label", "tenant");
        x.put("cs1", a.getTenant());
        x.put("cs2Label", "site");
        x.put("cs2", a.getSite());
        x.put("cs3Label", "kbs");
        x.put("cs3", a.getKbs().isEmpty() ? null : String.join(",", a.getKbs()));
        x.put("cs4Label", "service");
        x.put("cs4", a.getService());
        // Noise control (FLEET.md): what held it, the window it outlasted, its parent, when it was sent.
        labelled(x, "cs5", "held_by", a.getContext().getHeldBy());
        labelled(x, "cs6", "maintenance", a.getContext().getMaintenance());
        labelled(x, "flexString1", "parent", a.getContext().getParent());
        labelled(x, "flexString2", "subjects", a.getContext().getSubjects().isEmpty() ? null : String.join(",", a.getContext().getSubjects()));
        if (a.getContext().getPagedAt() != null) {
            x.put("deviceCustomDate1Label", "paged_at");
            x.put("deviceCustomDate1", Long.toString(a.getContext().getPagedAt()));
        }
        if (a.getSite() == null) {
            x.remove("cs2Label");
        }
        if (a.getKbs().isEmpty()) {
            x.remove("cs3Label");
        }
        if (a.getService() == null) {
            x.remove("cs4Label");
        }
        return x;
    }

    private static void labelled(Map<String, String> x, String key, String label, String value) {
        if (value != null) {
            x.put(key + "Label", label);
            x.put(key, value);
        }
    }

    static StringBuilder header(StringBuilder b, String value) {
        String v = value == null ? "" : value;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '|' -> b.append("\\|");
                // A line break would end the syslog message: a header has none.
                case '\n', '\r' -> b.append(' ');
                // Any other control character (ESC, NUL, NEL, U+2028, ...) never reaches a line raw.
                default -> b.append(SafeText.isUnsafe(c) ? ' ' : c);
            }
        }
        return b;
    }

    static StringBuilder extensionValue(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '=' -> b.append("\\=");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                // Any other control character (ESC, NUL, NEL, U+2028, ...) never reaches a line raw.
                default -> b.append(SafeText.isUnsafe(c) ? ' ' : c);
            }
        }
        return b;
    }
}
