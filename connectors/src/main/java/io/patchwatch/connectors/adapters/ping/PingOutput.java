package io.patchwatch.connectors.adapters.ping;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary of one run of {@code ping}, read from its text output: Linux iputils, macOS / BSD,
 * BusyBox, FreeBSD ping6 and Windows (any language: the Windows statistics line is read by its
 * numbers, not its words).
 *
 * @param rttAvgMs the average round trip, null when no reply came back
 */
public record PingOutput(String target, int transmitted, int received, double lossPct, Double rttAvgMs) {
    // Every repetition is bounded ({1,N}, never + or * before a literal that may be missing): a
    // crafted output of a megabyte of digits or colons then costs linear time, not quadratic.
    private static final Pattern UNIX_STATS = Pattern.compile(
            "(\\d{1,9}) packets transmitted, (\\d{1,9}) (?:packets )?received,(?: \\+\\d{1,9} errors,)? ([\\d.]{1,12})% packet loss");
    private static final Pattern UNIX_HOST = Pattern.compile("^--- (\\S{1,255}) ping6? statistics ---", Pattern.MULTILINE);
    private static final Pattern UNIX_FIRST = Pattern.compile("^PING6?\\S{0,16}[ \\t]{1,8}(?:\\S{1,255} --> )?(\\S{1,255})", Pattern.MULTILINE);
    private static final Pattern UNIX_RTT = Pattern.compile("= [\\d.]{1,16}/([\\d.]{1,16})/[\\d.]{1,16}(?:/[\\d.]{1,16})? ms");
    // "Packets: Sent = 4, Received = 4, Lost = 0 (0% loss)," or "Pakiety: Wysłane = 4, Odebrane = 0, Utracone = 4"
    private static final Pattern WIN_STATS = Pattern.compile(
            ":[ \\t]{0,8}\\S{1,32} = (\\d{1,9}), \\S{1,32} = (\\d{1,9}), \\S{1,32} = (\\d{1,9})[ \\t]{0,8}\\(?[ \\t]{0,8}(\\d{1,3})?");
    private static final Pattern WIN_LOSS = Pattern.compile("\\((\\d{1,3})%");
    private static final Pattern WIN_FIRST = Pattern.compile("^\\S{1,64} (\\S{1,255})(?: \\[[^\\]\\n]{1,64}\\])? ", Pattern.MULTILINE);
    private static final Pattern WIN_AVG = Pattern.compile("= (\\d{1,9})ms[ \\t\\r]{0,8}$", Pattern.MULTILINE);

    /** @throws IllegalArgumentException when the text is not the output of a finished ping */
    public static PingOutput parse(String text) {
        Matcher unix = UNIX_STATS.matcher(text);
        if (unix.find()) {
            int tx = Integer.parseInt(unix.group(1));
            int rx = Integer.parseInt(unix.group(2));
            double loss = Double.parseDouble(unix.group(3));
            Matcher host = UNIX_HOST.matcher(text);
            Matcher first = UNIX_FIRST.matcher(text);
            String target = host.find() ? host.group(1) : first.find() ? first.group(1) : null;
            Matcher rtt = UNIX_RTT.matcher(text);
            Double avg = rx > 0 && rtt.find() ? Double.parseDouble(rtt.group(1)) : null;
            return checked(target, tx, rx, loss, avg);
        }
        Matcher win = WIN_STATS.matcher(text);
        if (win.find()) {
            int tx = Integer.parseInt(win.group(1));
            int rx = Integer.parseInt(win.group(2));
            Matcher loss = WIN_LOSS.matcher(text.substring(win.start()));
            double lossPct = loss.find() ? Double.parseDouble(loss.group(1)) : tx == 0 ? 100 : 100.0 * (tx - rx) / tx;
            Matcher first = WIN_FIRST.matcher(text.strip());
            String target = first.find() ? first.group(1) : null;
            Matcher avg = WIN_AVG.matcher(text.substring(win.end()));
            Double rtt = null;
            while (rx > 0 && avg.find()) {
                rtt = Double.parseDouble(avg.group(1)); // the last "= Nms" is the average
            }
            return checked(target, tx, rx, lossPct, rtt);
        }
        throw new IllegalArgumentException("not the output of a finished ping (no statistics)");
    }

    private static PingOutput checked(String target, int tx, int rx, double loss, Double avg) {
        if (target == null) {
            throw new IllegalArgumentException("ping output names no target host");
        }
        if (tx <= 0 || rx > tx || loss < 0 || loss > 100) {
            throw new IllegalArgumentException("ping statistics are inconsistent: " + tx + " sent, " + rx + " received");
        }
        return new PingOutput(target, tx, rx, loss, avg);
    }

    public boolean ok() {
        return received > 0;
    }
}
