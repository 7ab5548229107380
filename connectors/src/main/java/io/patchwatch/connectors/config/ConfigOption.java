package io.patchwatch.connectors.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * One key of a patchwatch config file, typed, in the style of Flink's {@code ConfigOption}: its key
 * (relative to its section), what it holds, its default (the one home of that default) and what it
 * means. Built with {@link ConfigOptions}; read with {@link YamlSection#get}. The README's
 * configuration reference is generated from these.
 *
 * @param <T> the value's type
 */
public final class ConfigOption<T> {
    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final boolean required;
    private final String description;
    private final Function<T, String> check;

    ConfigOption(String key, ValueType<T> type, T defaultValue, boolean required, String description,
                 Function<T, String> check) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.required = required;
        this.description = description;
        this.check = check;
    }

    public String key() {
        return key;
    }

    /** The keys this option reads in YAML: one, or a secret's {@code <key>_env} and {@code <key>_file}. */
    public List<String> yamlKeys() {
        return type.yamlKeys(key);
    }

    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    public String description() {
        return description;
    }

    /** The value type in words (for the reference): "duration", "string", "list of strings"... */
    public String typeName() {
        return type.name();
    }

    /** The default as it would be written in the file, "(required)", or "" when there is none. */
    public String defaultText() {
        if (required) {
            return "(required)";
        }
        return defaultValue == null ? "" : type.render(defaultValue);
    }

    public ConfigOption<T> withDescription(String text) {
        return new ConfigOption<>(key, type, defaultValue, required, text, check);
    }

    /**
     * A check of the value beyond its type; {@code problem} returns null when the value is good, else
     * what is wrong with it (the key and place are added).
     */
    public ConfigOption<T> checkedBy(Function<T, String> problem) {
        Function<T, String> before = check;
        return new ConfigOption<>(key, type, defaultValue, required, description,
                v -> before == null ? problem.apply(v) : Objects.requireNonNullElse(before.apply(v), problem.apply(v)));
    }

    ValueType<T> type() {
        return type;
    }

    String check(T value) {
        return check == null || value == null ? null : check.apply(value);
    }

    @Override
    public String toString() {
        return key;
    }

    /** How a value is read from its YAML node(s), and written back for the reference. */
    interface ValueType<T> {
        String name();

        /** The value, or throws {@link IllegalArgumentException} saying what is wrong. */
        T read(YamlSection section, String key);

        default List<String> yamlKeys(String key) {
            return List.of(key);
        }

        default String render(T value) {
            if (value instanceof Duration d) {
                return Durations.format(d);
            }
            if (value instanceof List<?> l) {
                return l.isEmpty() ? "[]" : String.valueOf(l);
            }
            if (value instanceof Map<?, ?> m) {
                return m.isEmpty() ? "{}" : String.valueOf(m);
            }
            return String.valueOf(value);
        }
    }
}
