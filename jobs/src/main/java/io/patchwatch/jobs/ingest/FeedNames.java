package io.patchwatch.jobs.ingest;

import java.nio.file.Path;
import java.util.Map;

/**
 * Names a record's feed (FLEET.md feed silence) from its origin when its input has no name of its
 * own (a replay's inputs, the demo's generator): {@code file:line} and {@code file#part} are the
 * input {@code file}, named after it without extensions unless named explicitly. It is asked once
 * per record: the last input's name is kept, so a run of records from one input costs no allocation.
 */
public final class FeedNames {
    private final Map<String, String> named;
    private String lastPath;
    private String lastFeed;

    /** @param named the path of each input to its given name (the rest are named after their file) */
    public FeedNames(Map<String, String> named) {
        this.named = named;
    }

    /** The feed of a record by its origin. */
    public String ofOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        int cut = Math.max(origin.lastIndexOf(':'), origin.lastIndexOf('#'));
        int end = cut > 0 ? cut : origin.length();
        if (lastPath != null && end == lastPath.length() && origin.startsWith(lastPath)) {
            return lastFeed;
        }
        String path = origin.substring(0, end);
        String feed = named.get(path);
        lastPath = path;
        lastFeed = feed != null ? feed : stem(path);
        return lastFeed;
    }

    /** {@code /data/ping-collector.jsonl.gz} → {@code ping-collector}. */
    public static String stem(String path) {
        Path p = Path.of(path).getFileName();
        String name = p == null ? path : p.toString();
        int dot = name.indexOf('.', 1);
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
