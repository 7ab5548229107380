package io.patchwatch.connectors.metrics.prometheus;

import java.util.Iterator;
import java.util.stream.IntStream;

/** "9250" or "9250-9260": the ports to try, in order. */
final class PortRange {
    private PortRange() {}

    static Iterator<Integer> parse(String spec) {
        String s = spec.strip();
        int dash = s.indexOf('-');
        try {
            int from = Integer.parseInt(dash < 0 ? s : s.substring(0, dash).strip());
            int to = dash < 0 ? from : Integer.parseInt(s.substring(dash + 1).strip());
            if (from < 0 || to > 65535 || to < from) {
                throw new IllegalArgumentException("port range '" + spec + "' is not within 0-65535 and ascending");
            }
            return IntStream.rangeClosed(from, to).iterator();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + spec + "' is not a port or a range such as 9250-9260", e);
        }
    }
}
