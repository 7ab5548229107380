package io.patchwatch.connectors.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The duration syntax of every patchwatch config file: {@code 90s}, {@code 10m}, {@code 4h}, {@code 7d}. */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {}

    public static Duration parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration (a whole number followed by ms, s, m, h or d, e.g. 10m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The shortest exact rendering in the same syntax ({@code 600000 ms -> 10m}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000L == 0 && ms > 0) return ms / 86_400_000L + "d";
        if (ms % 3_600_000L == 0 && ms > 0) return ms / 3_600_000L + "h";
        if (ms % 60_000L == 0 && ms > 0) return ms / 60_000L + "m";
        if (ms % 1000L == 0) return ms / 1000L + "s";
        return ms + "ms";
    }
}
