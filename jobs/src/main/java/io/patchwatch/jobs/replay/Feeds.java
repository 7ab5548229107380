package io.patchwatch.jobs.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The feed of each replayed record (FLEET.md "Feed silence"): each input given to {@code --events}
 * is a feed named after it without extensions (a file, a directory with every file in it, {@code -}
 * as {@code stdin}); {@code --feed NAME=PATH} names one explicitly. A record's origin ({@code
 * file:line}, {@code file#part}) says which input it came from, also after {@code --sort}.
 */
public final class Feeds {
    private Feeds() {}

    /** Path of each file to be read, to its feed's name. */
    public static Map<String, String> of(List<String> inputs, Map<String, String> named) {
        Map<String, String> out = new HashMap<>();
        for (String input : inputs) {
            String feed = named.getOrDefault(input, input.equals("-") ? "stdin" : stem(input));
            out.put(input, feed);
            Path p = Path.of(input);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.forEach(f -> out.put(f.toString(), feed));
                } catch (java.io.IOException e) {
                    // listed again, with its error, when the inputs are expanded
                }
            }
        }
        return out;
    }

    /** The feed of a record by its origin: the input's name, or the origin's file name without extensions. */
    static String feedOf(String origin, Map<String, String> feeds) {
        if (origin == null) {
            return null;
        }
        int cut = Math.max(origin.lastIndexOf(':'), origin.lastIndexOf('#'));
        String path = cut > 0 ? origin.substring(0, cut) : origin;
        String feed = feeds.get(path);
        return feed != null ? feed : stem(path);
    }

    /** {@code /data/ping-collector.jsonl.gz} → {@code ping-collector}. */
    static String stem(String path) {
        String name = Path.of(path).getFileName() == null ? path : Path.of(path).getFileName().toString();
        int dot = name.indexOf('.', 1);
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
