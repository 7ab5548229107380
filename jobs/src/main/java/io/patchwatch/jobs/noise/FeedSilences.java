package io.patchwatch.jobs.noise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each feed was silent, as the feed watch said (one copy per key group reaches each noise
 * control instance; the copies agree): intervals [from, back), back unknown while it lasts.
 * Decisions at a time ask whether a feed was silent then, so the order copies arrive in does not
 * matter. Kept per instance in operator state, as text.
 */
final class FeedSilences {
    static final long OPEN = Long.MAX_VALUE;

    private final Map<String, List<long[]>> byFeed = new HashMap<>();

    void silent(String feed, long from) {
        List<long[]> spans = byFeed.computeIfAbsent(feed, f -> new ArrayList<>());
        for (long[] s : spans) {
            if (s[0] == from) {
                return; // another key group's copy
            }
        }
        spans.add(new long[] {from, OPEN});
    }

    void back(String feed, long at) {
        for (long[] s : byFeed.getOrDefault(feed, List.of())) {
            if (s[1] == OPEN && s[0] <= at) {
                s[1] = at;
            }
        }
    }

    /** The silence of {@code feed} that covers {@code t}, or null. */
    long[] at(String feed, long t) {
        if (feed == null) {
            return null;
        }
        for (long[] s : byFeed.getOrDefault(feed, List.of())) {
            if (s[0] <= t && t < s[1]) {
                return s;
            }
        }
        return null;
    }

    /** The silence of {@code feed} that began at {@code from}. */
    long[] from(String feed, long from) {
        for (long[] s : byFeed.getOrDefault(feed, List.of())) {
            if (s[0] == from) {
                return s;
            }
        }
        return null;
    }

    /** Forgets silences that ended before {@code before}. */
    void forget(long before) {
        byFeed.values().forEach(spans -> spans.removeIf(s -> s[1] != OPEN && s[1] < before));
        byFeed.values().removeIf(List::isEmpty);
    }

    List<String> toText() {
        List<String> out = new ArrayList<>();
        byFeed.forEach((feed, spans) -> spans.forEach(s -> out.add(s[0] + "\t" + s[1] + "\t" + feed)));
        return out;
    }

    void addText(String line) {
        String[] p = line.split("\t", 3);
        long from = Long.parseLong(p[0]);
        silent(p[2], from);
        long back = Long.parseLong(p[1]);
        if (back != OPEN) {
            back(p[2], back);
        }
    }
}
