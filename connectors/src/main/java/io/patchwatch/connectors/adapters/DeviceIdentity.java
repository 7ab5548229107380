package io.patchwatch.connectors.adapters;

import io.patchwatch.connectors.text.SafeText;
import java.text.Normalizer;
import java.util.Locale;

/**
 * The identity rules every adapter's events obey, so that one machine is one device whatever format
 * or spelling reports it, and no name can stand for another:
 *
 * <ul>
 *   <li>Unicode NFKC (composed and compatibility forms: {@code ＳＲＶ－０１} is {@code SRV-01}), with
 *       zero-width characters and soft hyphens removed, surrounding blanks stripped;
 *   <li>tenant and device are single path segments: {@code /}, {@code \}, control characters,
 *       line separators and lone surrogates are refused (the record becomes a dead letter);
 *   <li>the device is the short host name: a DNS suffix is dropped ({@code web01.corp.example.com}
 *       is {@code web01}), IP addresses are kept whole; case does not matter (the key folds it);
 *   <li>the tenant is folded to lower case ({@code Acme} and {@code acme} are one tenant).
 * </ul>
 */
public final class DeviceIdentity {
    public static final int MAX_TENANT_CHARS = 128;
    public static final int MAX_DEVICE_CHARS = 255;
    public static final int MAX_SITE_CHARS = 128;

    private DeviceIdentity() {}

    /** @throws Refusal when the tenant cannot be one */
    public static String tenant(String raw) throws Refusal {
        String t = segment("tenant", raw, MAX_TENANT_CHARS);
        return t.toLowerCase(Locale.ROOT);
    }

    /** @throws Refusal when the device name cannot be one */
    public static String device(String raw) throws Refusal {
        String d = segment("device", raw, MAX_DEVICE_CHARS);
        String shortName = HostNames.device(d);
        if (shortName.isEmpty() || shortName.startsWith(".")) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, "device", "field 'device' is not a host name: " + SafeText.quote(raw));
        }
        return shortName;
    }

    /** @throws Refusal when the site name cannot be one; null stays null */
    public static String site(String raw) throws Refusal {
        return raw == null ? null : segment("site", raw, MAX_SITE_CHARS);
    }

    /** NFKC without zero-width characters, stripped: the form names are compared in. */
    public static String normalise(String raw) {
        String s = Normalizer.isNormalized(raw, Normalizer.Form.NFKC) ? raw : Normalizer.normalize(raw, Normalizer.Form.NFKC);
        if (hasInvisible(s)) {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                if (!isInvisible(s.charAt(i))) {
                    b.append(s.charAt(i));
                }
            }
            s = b.toString();
        }
        return s.strip();
    }

    private static String segment(String field, String raw, int max) throws Refusal {
        if (raw == null) {
            throw new Refusal(DeadLetterReason.MISSING_FIELD, field, "field '" + field + "' is missing");
        }
        if (raw.length() > 4 * max) { // NFKC may grow a string a little, never shrink it 4 times
            throw new Refusal(DeadLetterReason.TOO_LARGE, field,
                    "field '" + field + "' has " + raw.length() + " characters, more than the limit of " + max);
        }
        String s = normalise(raw);
        if (s.isEmpty()) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, field, "field '" + field + "' is blank");
        }
        if (s.length() > max) {
            throw new Refusal(DeadLetterReason.TOO_LARGE, field,
                    "field '" + field + "' has " + s.length() + " characters, more than the limit of " + max);
        }
        if (SafeText.hasUnsafe(s) || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, field, "field '" + field + "' must be printable characters "
                    + "without '/' or '\\', got " + SafeText.quote(s));
        }
        return s;
    }

    private static boolean hasInvisible(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isInvisible(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Zero-width space / joiners, word joiner, BOM, soft hyphen, Mongolian vowel separator. */
    private static boolean isInvisible(char c) {
        return (c >= '\u200B' && c <= '\u200F') || c == '\u2060' || c == '\uFEFF' || c == '\u00AD' || c == '\u180E';
    }
}
