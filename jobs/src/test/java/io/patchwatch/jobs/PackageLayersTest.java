package io.patchwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of the job point one way (README "Code layout"): no two import each other, no
 * longer cycle, and the engine never reaches into its apps. Read from the sources: every import and
 * every fully qualified name in code (comments and strings left out).
 */
class PackageLayersTest {
    private static final Path SOURCES = Path.of("src/main/java/io/patchwatch/jobs");
    private static final String ROOT = "io.patchwatch.jobs";
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.patchwatch\\.jobs\\.([a-z]+\\.)?([A-Z]\\w*)");
    /** The apps built on the engine: commands, replay, the demo, the cluster client, the Kafka job, job.yaml. */
    private static final Set<String> APPS = Set.of("cli", "replay", "demo", "cluster", "kafka", "jobconfig");

    @Test
    void packagesPointOneWayAndTheEngineNeverUsesItsApps() throws IOException {
        Map<String, Map<String, Set<String>>> deps = dependencies();
        assertThat(deps).as("sources found").containsKeys("(root)", "rules", "device", "incident", "fact");

        List<String> cycles = new ArrayList<>();
        for (String a : deps.keySet()) {
            for (String b : deps.get(a).keySet()) {
                if (reaches(deps, b, a, new TreeSet<>())) {
                    cycles.add(a + " -> " + b + " (" + deps.get(a).get(b) + ") and back");
                }
            }
        }
        assertThat(cycles).as("packages that depend on each other").isEmpty();

        List<String> engineToApp = new ArrayList<>();
        deps.forEach((from, to) -> {
            if (!APPS.contains(from)) {
                to.forEach((app, files) -> {
                    if (APPS.contains(app)) {
                        engineToApp.add(from + " -> " + app + " " + files);
                    }
                });
            }
        });
        assertThat(engineToApp).as("engine packages using an app").isEmpty();
    }

    private static boolean reaches(Map<String, Map<String, Set<String>>> deps, String from, String to, Set<String> seen) {
        if (from.equals(to)) {
            return true;
        }
        if (!seen.add(from)) {
            return false;
        }
        for (String next : deps.getOrDefault(from, Map.of()).keySet()) {
            if (reaches(deps, next, to, seen)) {
                return true;
            }
        }
        return false;
    }

    /** package -> (package it refers to -> files that do). */
    private static Map<String, Map<String, Set<String>>> dependencies() throws IOException {
        Map<String, Map<String, Set<String>>> deps = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = packageOf(SOURCES.relativize(file.getParent()).toString());
                Map<String, Set<String>> out = deps.computeIfAbsent(pkg, p -> new TreeMap<>());
                Matcher m = REFERENCE.matcher(code(Files.readString(file)));
                while (m.find()) {
                    String target = packageOf(m.group(1) == null ? "" : m.group(1).substring(0, m.group(1).length() - 1));
                    if (!target.equals(pkg)) {
                        out.computeIfAbsent(target, t -> new TreeSet<>()).add(file.getFileName().toString());
                    }
                }
            }
        }
        return deps;
    }

    private static String packageOf(String relative) {
        return relative.isEmpty() ? "(root)" : relative.replace('/', '.');
    }

    /** The source without comments and string literals. */
    private static String code(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\n]*", " ")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"");
    }
}
