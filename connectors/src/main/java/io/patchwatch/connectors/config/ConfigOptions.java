package io.patchwatch.connectors.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Builds {@link ConfigOption}s, as Flink's {@code ConfigOptions} does:
 *
 * <pre>{@code
 * ConfigOption<Duration> IDLENESS = ConfigOptions.key("idleness").durationType()
 *         .defaultValue(Duration.ofSeconds(30))
 *         .withDescription("After this long without events an input follows the wall clock.");
 * }</pre>
 */
public final class ConfigOptions {
    private ConfigOptions() {}

    public static OptionBuilder key(String key) {
        return new OptionBuilder(key);
    }

    /** A check for {@link ConfigOption#checkedBy}: the value is one of {@code allowed}. */
    public static <T> Function<T, String> oneOf(Collection<T> allowed) {
        return v -> allowed.contains(v) ? null : "'" + v + "' is not one of " + String.join(", ", allowed.stream().map(String::valueOf).toList());
    }

    /** A check for {@link ConfigOption#checkedBy}: a whole number of at least {@code min}. */
    public static Function<Integer, String> atLeast(int min) {
        return v -> v >= min ? null : "must be at least " + min;
    }

    /** A check for {@link ConfigOption#checkedBy}: a positive duration. */
    public static Function<Duration, String> positive() {
        return v -> v.isZero() || v.isNegative() ? "must be positive" : null;
    }

    public static final class OptionBuilder {
        private final String key;

        OptionBuilder(String key) {
            this.key = key;
        }

        public TypedBuilder<String> stringType() {
            return new TypedBuilder<>(key, new Scalar<>("string", s -> s));
        }

        public TypedBuilder<Integer> intType() {
            return new TypedBuilder<>(key, new Scalar<>("integer", s -> {
                try {
                    return Integer.parseInt(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + s + "' is not a whole number");
                }
            }));
        }

        public TypedBuilder<Boolean> booleanType() {
            return new TypedBuilder<>(key, new Scalar<>("boolean", s -> switch (s) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException("'" + s + "' is not true or false");
            }));
        }

        /** The duration syntax of every patchwatch file: 90s, 10m, 4h, 7d. */
        public TypedBuilder<Duration> durationType() {
            return new TypedBuilder<>(key, new Scalar<>("duration", Durations::parse));
        }

        /** A duration, or {@code off} (read as null: the feature is off). */
        public TypedBuilder<Duration> durationOrOffType() {
            return new TypedBuilder<>(key, new Scalar<>("duration or off", s -> s.equals("off") ? null : Durations.parse(s)) {
                @Override
                public String render(Duration value) {
                    return value == null ? "off" : Durations.format(value);
                }
            });
        }

        public TypedBuilder<List<String>> stringListType() {
            return new TypedBuilder<>(key, new ListOfStrings());
        }

        public TypedBuilder<Map<String, String>> stringMapType() {
            return new TypedBuilder<>(key, new MapOfStrings());
        }

        /**
         * A secret, by reference only: {@code <key>_env} (an environment variable) or {@code <key>_file};
         * the secret itself written as {@code <key>} is refused.
         */
        public TypedBuilder<SecretRef> secretType() {
            return new TypedBuilder<>(key, new Secret());
        }
    }

    public static final class TypedBuilder<T> {
        private final String key;
        private final ConfigOption.ValueType<T> type;

        TypedBuilder(String key, ConfigOption.ValueType<T> type) {
            this.key = key;
            this.type = type;
        }

        public ConfigOption<T> defaultValue(T value) {
            return new ConfigOption<>(key, type, value, false, "", null);
        }

        /** Optional, without a default: absent reads as null. */
        public ConfigOption<T> noDefaultValue() {
            return new ConfigOption<>(key, type, null, false, "", null);
        }

        /** Absent is an error naming the key. */
        public ConfigOption<T> required() {
            return new ConfigOption<>(key, type, null, true, "", null);
        }
    }

    /** One scalar, converted from its text. */
    private static class Scalar<T> implements ConfigOption.ValueType<T> {
        private final String name;
        private final Function<String, T> convert;

        Scalar(String name, Function<String, T> convert) {
            this.name = name;
            this.convert = convert;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public T read(YamlSection section, String key) {
            Node node = section.valueNode(key);
            if (!(node instanceof ScalarNode s)) {
                throw new IllegalArgumentException("expected a single value (" + name + "), not a " + kind(node));
            }
            return convert.apply(s.getValue().strip());
        }
    }

    private static final class ListOfStrings implements ConfigOption.ValueType<List<String>> {
        @Override
        public String name() {
            return "list of strings";
        }

        @Override
        public List<String> read(YamlSection section, String key) {
            Node node = section.valueNode(key);
            if (!(node instanceof SequenceNode seq)) {
                throw new IllegalArgumentException("expected a list ([a, b]), not a " + kind(node));
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof ScalarNode s)) {
                    throw new IllegalArgumentException("expected a list of single values, found a " + kind(item));
                }
                out.add(s.getValue());
            }
            return List.copyOf(out);
        }
    }

    private static final class MapOfStrings implements ConfigOption.ValueType<Map<String, String>> {
        @Override
        public String name() {
            return "map of strings";
        }

        @Override
        public Map<String, String> read(YamlSection section, String key) {
            Node node = section.valueNode(key);
            if (!(node instanceof MappingNode map)) {
                throw new IllegalArgumentException("expected a map (name: value), not a " + kind(node));
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
                    throw new IllegalArgumentException("expected name: value pairs of single values");
                }
                if (out.put(k.getValue(), v.getValue()) != null) {
                    throw new IllegalArgumentException("'" + k.getValue() + "' is given twice");
                }
            }
            return java.util.Collections.unmodifiableMap(out);
        }
    }

    private static final class Secret implements ConfigOption.ValueType<SecretRef> {
        @Override
        public String name() {
            return "secret (_env or _file)";
        }

        @Override
        public List<String> yamlKeys(String key) {
            return List.of(key, key + "_env", key + "_file");
        }

        @Override
        public SecretRef read(YamlSection section, String key) {
            if (section.has(key)) {
                throw new IllegalArgumentException("secrets are not read from the config file; use " + key
                        + "_env (an environment variable) or " + key + "_file");
            }
            String env = section.scalar(key + "_env");
            String file = section.scalar(key + "_file");
            if (env != null && file != null) {
                throw new IllegalArgumentException(key + "_env and " + key + "_file: give one");
            }
            if (env == null && file == null) {
                return null;
            }
            return new SecretRef(env, file);
        }

        @Override
        public String render(SecretRef value) {
            return value.toString();
        }
    }

    static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "map";
        }
        if (node instanceof SequenceNode) {
            return "list";
        }
        return node == null ? "nothing" : "single value";
    }
}
