package io.patchwatch.connectors.config;

import java.util.List;

/** A config file is wrong; the message names the file, the place (line and column, or path) and the key. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** Several problems found in one pass, one per line of the message. */
    public ConfigException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, each with its place. */
    public List<String> problems() {
        return problems;
    }
}
