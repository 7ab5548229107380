package io.patchwatch.jobs.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queries of a Grafana dashboard's JSON model as Prometheus runs them: every panel's targets
 * and every query variable, with the dashboard's variables at "All" ({@code .*}) and Grafana's
 * {@code $__rate_interval} at one minute.
 */
public final class GrafanaDashboard {
    private static final Pattern BY = Pattern.compile("\\bby \\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*), *(\\w+)\\)");

    /** One query: where it is, the PromQL to run, and the labels each of its series must carry. */
    public record Query(String where, String promql, List<String> labels) {}

    private final JsonNode model;

    private GrafanaDashboard(JsonNode model) {
        this.model = model;
    }

    public static GrafanaDashboard load(Path file) throws IOException {
        return new GrafanaDashboard(new ObjectMapper().readTree(file.toFile()));
    }

    public JsonNode model() {
        return model;
    }

    public List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (JsonNode panel : model.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = resolve(target.path("expr").asText());
                queries.add(new Query("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(), expr, byLabels(expr)));
            }
        }
        for (JsonNode variable : model.path("templating").path("list")) {
            if (!variable.path("type").asText().equals("query")) {
                continue;
            }
            Matcher m = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
            if (!m.matches()) {
                throw new IllegalStateException("variable " + variable.path("name") + ": not a label_values query");
            }
            // label_values(metric, label) is Grafana's; Prometheus answers the same with count by.
            queries.add(new Query("variable $" + variable.path("name").asText(),
                    "count by (" + m.group(2) + ") (" + resolve(m.group(1)) + ")", List.of(m.group(2))));
        }
        return queries;
    }

    private static String resolve(String expr) {
        return expr.replace("$__rate_interval", "1m").replaceAll("\\$\\{?(tenant|site|ring)}?", ".*");
    }

    private static List<String> byLabels(String expr) {
        Matcher m = BY.matcher(expr);
        return m.find() ? Arrays.stream(m.group(1).split(",")).map(String::trim).toList() : List.of();
    }
}
