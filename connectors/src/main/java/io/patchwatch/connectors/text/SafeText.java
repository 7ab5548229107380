package io.patchwatch.connectors.text;

/**
 * Text from input made safe to show: no control characters (C0, DEL, C1 such as NEL), no line or
 * paragraph separators, no bidirectional overrides and no lone UTF-16 surrogates. Every output that
 * embeds input text (dead-letter details, log lines, the terminal, CEF / LEEF / syslog lines) goes
 * through here, so an ESC sequence or a forged line break in a device name cannot reach a terminal
 * or split a log line.
 */
public final class SafeText {
    /** What replaces a lone surrogate: the Unicode replacement character. */
    public static final char REPLACEMENT = '\uFFFD';

    private SafeText() {}

    /** True for the characters that must never reach an output raw. */
    public static boolean isUnsafe(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
    }

    /** @return true when the text holds an unsafe character or a lone surrogate */
    public static boolean hasUnsafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isUnsafe(c)) {
                return true;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    /** Each unsafe character becomes a space, each lone surrogate U+FFFD; null stays null. */
    public static String neutralise(String s) {
        if (s == null || !hasUnsafe(s)) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isUnsafe(c)) {
                b.append(' ');
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append(REPLACEMENT);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * For a person to read: neutralised and cut to {@code max} characters ("..." and how much was
     * left out), never splitting a surrogate pair.
     */
    public static String forDisplay(String s, int max) {
        if (s == null) {
            return null;
        }
        String cut = s;
        if (s.length() > max) {
            int end = max;
            if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
                end--;
            }
            cut = s.substring(0, end) + "... (" + (s.length() - end) + " more characters)";
        }
        return neutralise(cut);
    }

    /** A value quoted inside a sentence: {@code 'value'}, cut to 64 characters and neutralised. */
    public static String quote(String value) {
        return value == null ? "nothing" : "'" + forDisplay(value, 64) + "'";
    }
}
