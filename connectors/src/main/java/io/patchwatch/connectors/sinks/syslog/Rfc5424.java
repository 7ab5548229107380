package io.patchwatch.connectors.sinks.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 5424 syslog messages and their RFC 6587 octet-counting frame for TCP:
 *
 * <pre>
 * LEN SP &lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG
 * </pre>
 *
 * Octet counting (not a trailing newline) delimits the message, so a payload that still held a line
 * break could not split it. Header fields are printable US-ASCII without spaces, at most their RFC
 * length; anything else is replaced, and an empty field is the nil value {@code -}.
 */
public final class Rfc5424 {
    /** Facility local0 (16), the usual one for application alerts. */
    public static final int DEFAULT_FACILITY = 16;
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);

    private Rfc5424() {}

    /** The message (without framing). {@code severity} is syslog's 0 (emergency) to 7 (debug). */
    public static String message(int facility, int severity, long epochMillis, String hostname, String appName,
                                 String msgId, String payload) {
        if (facility < 0 || facility > 23 || severity < 0 || severity > 7) {
            throw new IllegalArgumentException("facility 0-23 and severity 0-7, got " + facility + "/" + severity);
        }
        return "<" + (facility * 8 + severity) + ">1 " + TIME.format(Instant.ofEpochMilli(epochMillis)) + " "
                + field(hostname, 255) + " " + field(appName, 48) + " - " + field(msgId, 32) + " - " + payload;
    }

    /** RFC 6587 octet counting: the byte length of the message, a space, the message. */
    public static byte[] frame(String message) {
        byte[] body = message.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = (body.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(body, 0, out, prefix.length, body.length);
        return out;
    }

    /** Syslog severity of a CEF severity: 10 critical (2), 7-9 error (3), 4-6 warning (4), else notice (5). */
    public static int syslogSeverity(int cefSeverity) {
        if (cefSeverity >= 10) {
            return 2;
        }
        if (cefSeverity >= 7) {
            return 3;
        }
        return cefSeverity >= 4 ? 4 : 5;
    }

    static String field(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && b.length() < max; i++) {
            char c = value.charAt(i);
            b.append(c > 32 && c < 127 ? c : '_');
        }
        return b.toString();
    }
}
