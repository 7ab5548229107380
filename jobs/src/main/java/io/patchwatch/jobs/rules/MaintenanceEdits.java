package io.patchwatch.jobs.rules;

import io.patchwatch.connectors.config.ConfigException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Adds and removes maintenance windows in a rules file's text ({@code patchwatch maintenance}),
 * leaving every other line (comments included) as it was. Each edit is parsed as a whole before it
 * is returned, so a file is never left invalid.
 */
public final class MaintenanceEdits {
    private MaintenanceEdits() {}

    /** One window to add, as the user gave it; null fields are left out. */
    public record NewWindow(String name, Map<String, String> match, String start, String end, String every, String duration,
                            String zone, String mode, List<String> rules, String settle) {

        String yaml() {
            StringBuilder b = new StringBuilder("  - name: ").append(quote(name)).append('\n');
            b.append("    match: {");
            List<String> parts = new ArrayList<>();
            match.forEach((k, v) -> parts.add(k + ": " + quote(v)));
            b.append(String.join(", ", parts)).append("}\n");
            line(b, "start", start);
            line(b, "end", end);
            line(b, "every", every);
            line(b, "duration", duration);
            line(b, "zone", zone);
            line(b, "mode", mode);
            if (rules != null && !rules.isEmpty()) {
                b.append("    rules: [").append(String.join(", ", rules.stream().map(MaintenanceEdits::quote).toList())).append("]\n");
            }
            line(b, "settle", settle);
            return b.toString();
        }

        private static void line(StringBuilder b, String key, String value) {
            if (value != null) {
                b.append("    ").append(key).append(": ").append(quote(value)).append('\n');
            }
        }
    }

    /** A YAML double-quoted scalar: whatever the user typed stays one value. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** The text with {@code w} added at the end of its maintenance section (made if missing). */
    public static String add(String text, NewWindow w, String file) {
        RuleSet before = RuleSet.parse(text.getBytes(StandardCharsets.UTF_8), file);
        if (before.maintenance().stream().anyMatch(m -> m.name().equals(w.name()))) {
            throw new ConfigException(file + ": a maintenance window named '" + w.name() + "' exists already");
        }
        SequenceNode section = section(text);
        List<String> lines = new ArrayList<>(text.lines().toList());
        String entry = w.yaml().stripTrailing();
        if (section != null) {
            int last = endLine(section) - 1;
            while (last > 0 && lines.get(last).isBlank()) {
                last--;
            }
            lines.add(last + 1, entry);
        } else if (!before.maintenance().isEmpty()) {
            throw new ConfigException(file + ": its maintenance section is not a block list (- name: ...); edit it by hand");
        } else {
            int at = keyLine(lines);
            if (at >= 0) {
                lines.set(at, "maintenance:"); // was empty: "maintenance:", "maintenance: []"
                lines.add(at + 1, entry);
            } else {
                lines.add("");
                lines.add("maintenance:");
                lines.add(entry);
            }
        }
        String out = String.join("\n", lines) + "\n";
        check(out, file);
        return out;
    }

    /** The text without the window named {@code name}. */
    public static String remove(String text, String name, String file) {
        SequenceNode section = section(text);
        if (section == null) {
            throw new ConfigException(file + ": no maintenance windows");
        }
        for (Node item : section.getValue()) {
            if (item instanceof MappingNode map && name.equals(value(map, "name"))) {
                List<String> lines = new ArrayList<>(text.lines().toList());
                int from = item.getStartMark().getLine();
                int to = endLine(item);
                String first = lines.get(from);
                int dash = first.indexOf('-');
                if (dash >= 0 && first.substring(0, dash).isBlank()) {
                    lines.subList(from, Math.min(to, lines.size())).clear();
                } else {
                    throw new ConfigException(file + ":" + (from + 1) + ": window '" + name + "' is not on lines of its own; edit it by hand");
                }
                String out = String.join("\n", lines) + "\n";
                if (section.getValue().size() == 1) {
                    out = out.replaceFirst("(?m)^maintenance:[ \\t]*$", "maintenance: []");
                }
                check(out, file);
                return out;
            }
        }
        throw new ConfigException(file + ": no maintenance window named '" + name + "'");
    }

    private static void check(String text, String file) {
        RuleSet.parse(text.getBytes(StandardCharsets.UTF_8), file);
    }

    private static SequenceNode section(String text) {
        Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        if (root instanceof MappingNode top) {
            for (NodeTuple t : top.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("maintenance")
                        && t.getValueNode() instanceof SequenceNode seq && !seq.getValue().isEmpty() && seq.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
                    return seq;
                }
            }
        }
        return null;
    }

    /**
     * The first line after a node (0-based). A block collection ends where the next token starts,
     * so its end is that of its last value.
     */
    private static int endLine(Node node) {
        if (node instanceof MappingNode map && !map.getValue().isEmpty()) {
            return endLine(map.getValue().get(map.getValue().size() - 1).getValueNode());
        }
        if (node instanceof SequenceNode seq && !seq.getValue().isEmpty() && seq.getFlowStyle() != org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
            return endLine(seq.getValue().get(seq.getValue().size() - 1));
        }
        return node.getEndMark().getLine() + (node.getEndMark().getColumn() > 0 ? 1 : 0);
    }

    private static int keyLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("maintenance:\\s*(\\[\\s*]\\s*|~\\s*|null\\s*)?(#.*)?")) {
                return i;
            }
        }
        return -1;
    }

    private static String value(MappingNode map, String key) {
        for (NodeTuple t : map.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key) && t.getValueNode() instanceof ScalarNode v) {
                return v.getValue();
            }
        }
        return null;
    }
}
