package io.patchwatch.jobs.ingest;

import java.nio.file.Path;
import java.util.Map;

/**
 * Names a record's feed (FLEET.md feed silence) from its origin when its input has no name of its
 * own (a replay's inputs, the demo's generator): {@code file:line} and {@code file#part} are the
 * input {@code file}, named after it without extensions unless named explicitly.
 */
public final class FeedNames {
    private FeedNames() {}

    /** The feed of a record by its origin: the input's given name, or the origin's file name without extensions. */
    public static String ofOrigin(String origin, Map<String, String> named) {
        if (origin == null) {
            return null;
        }
        int cut = Math.max(origin.lastIndexOf(':'), origin.lastIndexOf('#'));
        String path = cut > 0 ? origin.substring(0, cut) : origin;
        String feed = named.get(path);
        return feed != null ? feed : stem(path);
    }

    /** {@code /data/ping-collector.jsonl.gz} → {@code ping-collector}. */
    public static String stem(String path) {
        Path p = Path.of(path).getFileName();
        String name = p == null ? path : p.toString();
        int dot = name.indexOf('.', 1);
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
