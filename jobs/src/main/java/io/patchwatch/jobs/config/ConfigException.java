package io.patchwatch.jobs.config;

/** A config file is wrong; the message names the file, the place (line and column, or path) and the key. */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
