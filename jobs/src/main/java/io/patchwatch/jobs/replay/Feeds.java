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
            String feed = named.getOrDefault(input, input.equals("-") ? "stdin" : io.patchwatch.jobs.ingest.FeedNames.stem(input));
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
}
