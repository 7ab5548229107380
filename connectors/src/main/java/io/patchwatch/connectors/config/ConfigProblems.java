package io.patchwatch.connectors.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Every mistake found in one config file, each with its place ({@code file:line:col: path: what}),
 * reported all at once in file order: an operator fixes a file in one round, not one error a run.
 */
public final class ConfigProblems {
    private record Problem(long place, String text) {}

    private final String file;
    private final List<Problem> problems = new ArrayList<>();

    public ConfigProblems(String file) {
        this.file = file;
    }

    public String file() {
        return file;
    }

    /** A problem at {@code node}'s place (or the file's, when null). */
    public void add(Node node, String message) {
        Mark m = node == null ? null : node.getStartMark();
        if (m == null) {
            problems.add(new Problem(0, file + ": " + message));
        } else {
            problems.add(new Problem((m.getLine() + 1) * 1_000_000L + m.getColumn() + 1,
                    file + ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1) + ": " + message));
        }
    }

    /** How many problems were found so far (a parser compares it to see whether a part added one). */
    public int size() {
        return problems.size();
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /** The problems so far, in file order. */
    public List<String> list() {
        return problems.stream().sorted(Comparator.comparingLong(Problem::place)).map(Problem::text).toList();
    }

    /** Throws one {@link ConfigException} listing every problem, one per line, if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            List<String> all = list();
            throw new ConfigException(String.join("\n", all), all);
        }
    }
}
