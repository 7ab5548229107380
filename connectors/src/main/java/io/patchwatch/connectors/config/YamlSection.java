package io.patchwatch.connectors.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One map of a config file ({@code kafka:}, {@code sinks[2]:}, {@code sinks[2].delivery:}) read by
 * its {@link ConfigOption}s. A wrong value is recorded as a problem at its place and the option's
 * default returned, so reading goes on and every mistake of the file is found in one pass; the
 * caller ends with {@link ConfigProblems#throwIfAny()}.
 */
public final class YamlSection {
    private final String path;
    private final MappingNode node;
    private final Node place;
    private final ConfigProblems problems;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlSection(String path, MappingNode node, Node place, ConfigProblems problems) {
        this.path = path;
        this.node = node;
        this.place = place;
        this.problems = problems;
        if (node != null) {
            for (NodeTuple t : node.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    problems.add(t.getKeyNode(), where("") + "keys must be single values");
                    continue;
                }
                if (entries.putIfAbsent(k.getValue(), t) != null) {
                    problems.add(k, where(k.getValue()) + "given twice (the second is not read)");
                }
            }
        }
    }

    static YamlSection root(MappingNode node, ConfigProblems problems) {
        return new YamlSection("", node, node, problems);
    }

    /** A section built from nothing (a config written in code): only defaults. */
    public static YamlSection empty(String file) {
        return root(null, new ConfigProblems(file));
    }

    public String path() {
        return path;
    }

    public ConfigProblems problems() {
        return problems;
    }

    /** The option's value; its default when absent (or wrong, after recording the problem). */
    public <T> T get(ConfigOption<T> option) {
        String at = option.yamlKeys().stream().filter(this::present).findFirst().orElse(null);
        if (at == null) {
            if (option.required()) {
                problem(null, "needs " + option.key() + describe(option));
            }
            return option.defaultValue();
        }
        T value;
        try {
            value = option.type().read(this, option.key());
        } catch (IllegalArgumentException e) {
            problem(at, e.getMessage());
            return option.defaultValue();
        }
        if (value == null && option.required()) {
            problem(null, "needs " + option.key() + describe(option));
            return null;
        }
        String wrong = option.check(value);
        if (wrong != null) {
            problem(at, wrong);
            return option.defaultValue();
        }
        return value;
    }

    private static String describe(ConfigOption<?> option) {
        if (option.yamlKeys().size() > 1) {
            return " (" + option.key() + "_env: an environment variable, or " + option.key() + "_file)";
        }
        return option.description().isEmpty() ? "" : " (" + option.description() + ")";
    }

    /** A key present with a value (an empty {@code key:} counts as absent). */
    public boolean present(String key) {
        NodeTuple t = entries.get(key);
        return t != null && !(t.getValueNode() instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    boolean has(String key) {
        return present(key);
    }

    Node valueNode(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    /** A key's single value as text, or null when absent. */
    String scalar(String key) {
        if (!present(key)) {
            return null;
        }
        if (!(valueNode(key) instanceof ScalarNode s)) {
            throw new IllegalArgumentException(key + ": expected a single value");
        }
        return s.getValue();
    }

    /** The map under {@code key}; an empty section when absent (its options take their defaults). */
    public YamlSection section(String key) {
        Node value = valueNode(key);
        if (value instanceof MappingNode map) {
            return new YamlSection(child(key), map, map, problems);
        }
        if (present(key)) {
            problem(key, "expected a map, not a " + ConfigOptions.kind(value));
        }
        return new YamlSection(child(key), null, entries.containsKey(key) ? entries.get(key).getKeyNode() : place, problems);
    }

    /** The maps of the list under {@code key}; empty when absent. */
    public List<YamlSection> sections(String key) {
        Node value = valueNode(key);
        List<YamlSection> out = new ArrayList<>();
        if (value instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                Node item = seq.getValue().get(i);
                String itemPath = child(key) + "[" + i + "]";
                if (item instanceof MappingNode map) {
                    out.add(new YamlSection(itemPath, map, map, problems));
                } else {
                    problems.add(item, itemPath + ": expected a map, not a " + ConfigOptions.kind(item));
                }
            }
        } else if (present(key)) {
            problem(key, "expected a list, not a " + ConfigOptions.kind(value));
        }
        return out;
    }

    /** The keys written in this section, in file order. */
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** Every key not among {@code known} is a problem (a typo does nothing otherwise), named at its place. */
    public void refuseUnknown(Collection<String> known) {
        for (String key : entries.keySet()) {
            if (!known.contains(key)) {
                problemAtKey(key, "unknown key (known here: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /** The yaml keys of {@code options}, for {@link #refuseUnknown}. */
    public static List<String> keysOf(Collection<? extends ConfigOption<?>> options) {
        List<String> keys = new ArrayList<>();
        options.forEach(o -> keys.addAll(o.yamlKeys()));
        return keys;
    }

    /** A problem with {@code key}'s value (at the value), or with the section (key null: at the section). */
    public void problem(String key, String message) {
        Node at = key != null && entries.containsKey(key) ? entries.get(key).getValueNode() : place;
        problems.add(at, where(key) + message);
    }

    /** A problem with the key itself (at the key). */
    public void problemAtKey(String key, String message) {
        NodeTuple t = entries.get(key);
        problems.add(t == null ? place : t.getKeyNode(), where(key) + message);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private String where(String key) {
        String p = key == null || key.isEmpty() ? path : child(key);
        return p.isEmpty() ? "" : p + ": ";
    }
}
