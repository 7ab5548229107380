package io.patchwatch.connectors.config;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a secret (routing key, API key, token, password) is: an environment variable or a file,
 * read where the sink runs (the TaskManager), so the secret itself is never in job.yaml, the job
 * graph, a checkpoint or a log line. {@link #toString()} names the reference, not the value.
 */
public record SecretRef(String env, String file) implements Serializable {

    public SecretRef {
        if ((env == null) == (file == null)) {
            throw new IllegalArgumentException("a secret needs exactly one of an environment variable and a file");
        }
    }

    public static SecretRef ofEnv(String variable) {
        return new SecretRef(variable, null);
    }

    public static SecretRef ofFile(String path) {
        return new SecretRef(null, path);
    }

    /** The secret, trimmed of a trailing newline; the error names where it was looked for, never a value. */
    public String resolve(Map<String, String> environment) {
        if (env != null) {
            String value = environment.get(env);
            if (value == null || value.isEmpty()) {
                throw new IllegalStateException("environment variable " + env + " is not set");
            }
            return value;
        }
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return env != null ? "env:" + env : "file:" + file;
    }
}
