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
    private static final Pattern STATUS = Pattern.compile("^(?:[A-Za-z0-9_\\-]+ )?(OK|WARNING|CRITICAL|UNKNOWN|UP|DOWN)\\b");
    private static final Pattern PERF_ITEM = Pattern.compile("('[^']+'|[^\\s=']+)=([-\\d.]+[a-zA-Z%]*)");

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
        Map<String, String> items = new LinkedHashMap<>();
        Matcher m = PERF_ITEM.matcher(perf);
        while (m.find()) {
            items.put(m.group(1).replace("'", ""), m.group(2));
        }
        Matcher s = STATUS.matcher(text);
        String status = s.find() ? s.group(1) : null;
        if ("UP".equals(status)) status = "OK";
        if ("DOWN".equals(status)) status = "CRITICAL";
        return new PluginOutput(status, text, items);
    }

    /** Packet loss from check_ping / check_icmp perfdata ({@code pl=100%}), or null. */
    public Double packetLossPct() {
        return number(perfdata.get("pl"));
    }

    /** Round-trip average in ms from check_ping / check_icmp perfdata ({@code rta=0.298000ms}), or null. */
    public Double rtaMs() {
        String rta = perfdata.get("rta");
        Double v = number(rta);
        return v != null && rta.endsWith("s") && !rta.endsWith("ms") ? v * 1000 : v;
    }

    private static Double number(String value) {
        if (value == null) {
            return null;
        }
        Matcher m = Pattern.compile("^-?[\\d.]+").matcher(value);
        if (!m.find()) {
            return null;
        }
        try {
            return Double.parseDouble(m.group());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
