package io.patchwatch.jobs.incident;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.config.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a rule's message template. Placeholders are {@code {name}}; an unknown one is left as it
 * is, so a typo shows in the alert instead of silently vanishing.
 */
public final class AlertMessages {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private AlertMessages() {}

    public static String render(String template, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    public static String time(Long epochMs) {
        return epochMs == null ? "-" : EventTimes.format(epochMs);
    }

    public static String duration(long ms) {
        return Durations.format(Duration.ofMillis(Math.max(0, ms) / 1000 * 1000));
    }
}
