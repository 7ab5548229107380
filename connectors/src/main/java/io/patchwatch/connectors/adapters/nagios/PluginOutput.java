package io.patchwatch.connectors.adapters.nagios;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Nagios plugin's output ({@code TEXT|PERFDATA}, optionally with long output lines and more
 * perfdata after a second {@code |}), as the plugin API defines it.
 *
 * @param status OK, WARNING, CRITICAL, UNKNOWN, or null when the text does not say
 * @param perfdata label to value (number and unit, "0.298000ms"); malformed items are left out
 */
public record PluginOutput(String status, String text, Map<String, String> perfdata) {
    private static final Pattern STATUS = Pattern.compile("^(?:[A-Za-z0-9_\\-]{1,64} )?(OK|WARNING|CRITICAL|UNKNOWN|UP|DOWN)\\b");
    private static final Pattern NUMBER = Pattern.compile("^-?[\\d.]{1,32}");

    public static PluginOutput parse(String output) {
        String[] lines = output.strip().split("\\R");
        String first = lines.length == 0 ? "" : lines[0];
        int bar = first.indexOf('|');
        String text = bar >= 0 ? first.substring(0, bar).strip() : first.strip();
        StringBuilder perf = new StringBuilder(bar >= 0 ? first.substring(bar + 1) : "");
        boolean inPerf = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int b = line.indexOf('|');
            if (inPerf) {
                perf.append(' ').append(line);
            } else if (b >= 0) {
                perf.append(' ').append(line.substring(b + 1));
                inPerf = true;
            }
        }
        Map<String, String> items = perfdata(perf);
        Matcher s = STATUS.matcher(text);
        String status = s.find() ? s.group(1) : null;
        if ("UP".equals(status)) status = "OK";
        if ("DOWN".equals(status)) status = "CRITICAL";
        return new PluginOutput(status, text, items);
    }

    /**
     * Perfdata items {@code label=value[UOM];warn;crit;min;max}, labels optionally in single quotes,
     * read in one pass (a regular expression over a megabyte of crafted perfdata back-tracks).
     */
    static Map<String, String> perfdata(CharSequence perf) {
        Map<String, String> items = new LinkedHashMap<>();
        int n = perf.length();
        int i = 0;
        while (i < n && items.size() < 64) {
            while (i < n && Character.isWhitespace(perf.charAt(i))) {
                i++;
            }
            int labelStart = i;
            String label;
            if (i < n && perf.charAt(i) == '\'') {
                int close = indexOf(perf, '\'', i + 1);
                if (close < 0) {
                    break;
                }
                label = perf.subSequence(i + 1, close).toString();
                i = close + 1;
            } else {
                while (i < n && perf.charAt(i) != '=' && !Character.isWhitespace(perf.charAt(i))) {
                    i++;
                }
                label = perf.subSequence(labelStart, i).toString();
            }
            if (i >= n || perf.charAt(i) != '=') {
                while (i < n && !Character.isWhitespace(perf.charAt(i))) {
                    i++; // not an item: skip the word
                }
                continue;
            }
            int valueStart = ++i;
            while (i < n && !Character.isWhitespace(perf.charAt(i)) && perf.charAt(i) != ';') {
                i++;
            }
            String value = perf.subSequence(valueStart, i).toString();
            while (i < n && !Character.isWhitespace(perf.charAt(i))) {
                i++; // thresholds, min, max
            }
            if (!label.isEmpty() && number(value) != null) {
                items.putIfAbsent(label, value);
            }
        }
        return items;
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** Packet loss from check_ping / check_icmp perfdata ({@code pl=100%}), or null. */
    public Double packetLossPct() {
        return number(perfdata.get("pl"));
    }

    /** Round-trip average in ms from check_ping / check_icmp perfdata ({@code rta=0.298000ms}), or null. */
    public Double rtaMs() {
        String rta = perfdata.get("rta");
        Double v = number(rta);
        if (v == null) {
            return null; // (a ternary "v * 1000 : v" would unbox v, and throw, right here)
        }
        return rta.endsWith("s") && !rta.endsWith("ms") ? v * 1000 : v;
    }

    private static Double number(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = NUMBER.matcher(value);
        if (!m.find()) {
            return null;
        }
        try {
            double d = Double.parseDouble(m.group());
            return Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
