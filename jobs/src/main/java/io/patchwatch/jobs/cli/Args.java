package io.patchwatch.jobs.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line options: {@code --name value}, repeatable {@code --name v1 v2 ...} for list options,
 * {@code --flag}, and positional arguments. Unknown options are an error naming the option.
 */
final class Args {
    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    static Args parse(String[] argv, int from, Set<String> valued, Set<String> lists, Set<String> flags) {
        Args a = new Args();
        for (int i = from; i < argv.length; i++) {
            String arg = argv[i];
            if (!arg.startsWith("--")) {
                a.positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            List<String> values = a.options.computeIfAbsent(name, k -> new ArrayList<>());
            if (flags.contains(name)) {
                values.add("true");
            } else if (valued.contains(name)) {
                if (inline == null && (i + 1 >= argv.length || argv[i + 1].startsWith("--"))) {
                    throw new UsageException("option --" + name + " needs a value");
                }
                values.add(inline != null ? inline : argv[++i]);
            } else if (lists.contains(name)) {
                if (inline != null) {
                    values.add(inline);
                }
                while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    values.add(argv[++i]);
                }
                if (values.isEmpty()) {
                    throw new UsageException("option --" + name + " needs at least one value");
                }
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return a;
    }

    String get(String name) {
        List<String> v = options.get(name);
        return v == null || v.isEmpty() ? null : v.get(v.size() - 1);
    }

    String get(String name, String fallback) {
        String v = get(name);
        return v == null ? fallback : v;
    }

    List<String> list(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    int intValue(String name, int fallback) {
        String v = get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " needs a whole number, got '" + v + "'");
        }
    }

    List<String> positional() {
        return positional;
    }

    /** Wrong command line: printed with the usage, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
