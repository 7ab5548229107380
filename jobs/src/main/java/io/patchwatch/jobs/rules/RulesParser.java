package io.patchwatch.jobs.rules;

import io.patchwatch.connectors.adapters.DeviceIdentity;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.config.ConfigProblems;
import io.patchwatch.connectors.config.LocatedYaml;
import io.patchwatch.connectors.config.Vocabulary;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.jobs.fact.FactKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads rules.yaml (the language of RULES.md) from its YAML nodes ({@link LocatedYaml}, the reader of
 * job.yaml too), so that every error names its line and column, and reports all errors of a file at
 * once, not just the first.
 */
final class RulesParser {
    static final List<String> SEVERITIES = Vocabulary.SEVERITIES;
    /** Parameters every file has, with a meaning of their own (the others are windows rules refer to). */
    static final String SILENCE_AFTER = "silence_after";
    static final String SESSION_WINDOW = "session_window";
    static final String BASELINE_LOOKBACK = "baseline_lookback";
    static final String CRITICAL_SERVICES = "critical_services";
    /** A rule's own parameter (FLEET.md): its firings wait this long before paging. */
    static final String HOLD_FOR = "hold_for";
    private static final Set<String> MATCH_KEYS = Set.of("tenant", "site", "group", "criticality", "device");
    private static final Set<String> RULE_KEYS = Set.of(
            "severity", "subject", "for_each", "one_shot", "enabled", "pattern", "patterns", "resolve", "message", HOLD_FOR);
    private static final Set<String> RULE_SETTING_KEYS = Set.of("enabled", "severity", "message", HOLD_FOR);
    private static final Pattern RULE_ID = Vocabulary.RULE_ID;
    private static final Pattern STEP_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,63}");
    private static final Pattern PARAM_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern PARAM_REF = Pattern.compile("\\$\\{([^}]*)}");
    /** A rule can have this many rules: each takes one bit of a fact's one-shot set. */
    static final int MAX_RULES = 64;
    private static final int MAX_PATTERNS = 16;
    private static final int MAX_STEPS = 16;
    private static final int MAX_TIMES = 100;

    private final String file;
    private final ConfigProblems problems;
    /** Parameters some rule refers to as ${name}. */
    private final Set<String> referenced = new HashSet<>();

    private RulesParser(String file) {
        this.file = file;
        this.problems = new ConfigProblems(file);
    }

    static RuleSet parse(byte[] yaml, String file) {
        return new RulesParser(file).parse(yaml);
    }

    private RuleSet parse(byte[] bytes) {
        Node root = LocatedYaml.compose(bytes, file);
        if (!(root instanceof MappingNode top)) {
            throw new ConfigException(file + ": expected a map with 'defaults', 'rules' and 'overrides'");
        }
        Map<String, NodeTuple> sections = entries(top, Set.of("defaults", "rules", "overrides", "noise", "maintenance"), "at the top level");
        Map<String, Long> durations = new LinkedHashMap<>();
        Map<String, Node> paramNodes = new LinkedHashMap<>();
        List<String> critical = new ArrayList<>();
        NodeTuple defaults = sections.get("defaults");
        if (defaults == null) {
            error(top, "the 'defaults' section is required");
        } else {
            defaults(defaults.getValueNode(), durations, critical, paramNodes);
        }
        List<RuleDefinition> rules = new ArrayList<>();
        Map<String, RuleParams> ruleParams = new LinkedHashMap<>();
        NodeTuple rulesNode = sections.get("rules");
        if (rulesNode == null) {
            error(top, "the 'rules' section is required (see RULES.md)");
        } else {
            rules(rulesNode.getValueNode(), durations.keySet(), rules, ruleParams);
        }
        // A parameter no rule refers to is most likely a typo (sesion_window): say so where it is.
        for (Map.Entry<String, Node> p : paramNodes.entrySet()) {
            if (!RESERVED_PARAMS.contains(p.getKey()) && !referenced.contains(p.getKey())) {
                error(p.getValue(), "unknown key '" + p.getKey() + "' in defaults: not one of silence_after, session_window,"
                        + " baseline_lookback, critical_services, and no rule refers to ${" + p.getKey() + "}");
            }
        }
        List<RuleSet.Override> overrides = new ArrayList<>();
        NodeTuple overridesNode = sections.get("overrides");
        if (overridesNode != null && !isNull(overridesNode.getValueNode())) {
            overrides(overridesNode.getValueNode(), durations.keySet(), ruleParams.keySet(), overrides);
        }
        NoiseSectionsParser noiseParser = new NoiseSectionsParser(this, ruleParams.keySet());
        NoiseSettings noise = sections.containsKey("noise") ? noiseParser.noise(sections.get("noise").getValueNode()) : NoiseSettings.DEFAULTS;
        List<MaintenanceWindow> maintenance = sections.containsKey("maintenance")
                ? noiseParser.maintenance(sections.get("maintenance").getValueNode(), noise.settleMs()) : List.of();
        problems.throwIfAny();
        RuleProfile profile = new RuleProfile(
                durations.get(SILENCE_AFTER), durations.get(SESSION_WINDOW), durations.get(BASELINE_LOOKBACK),
                List.copyOf(critical), Map.copyOf(durations), java.util.Collections.unmodifiableMap(ruleParams));
        return new RuleSet(profile, overrides, rules, noise, maintenance);
    }

    // ---- defaults and overrides ----

    private void defaults(Node node, Map<String, Long> durations, List<String> critical, Map<String, Node> paramNodes) {
        if (!(node instanceof MappingNode map)) {
            error(node, "'defaults' must be a map of parameters");
            return;
        }
        for (NodeTuple t : uniqueTuples(map)) {
            String key = key(t);
            Node value = t.getValueNode();
            if (key == null) {
                continue;
            }
            if (key.equals("rules")) {
                error(t.getKeyNode(), "rules are defined in the top-level 'rules' section, not under 'defaults' (see RULES.md)");
            } else if (key.equals(CRITICAL_SERVICES)) {
                List<String> services = services(value);
                if (services != null) {
                    critical.addAll(services);
                }
            } else if (!PARAM_NAME.matcher(key).matches()) {
                error(t.getKeyNode(), "'" + key + "' is not a parameter name (lower case, digits and _)");
            } else {
                paramNodes.put(key, t.getKeyNode());
                Long ms = duration(value, key, key.equals(BASELINE_LOOKBACK));
                if (ms != null) {
                    durations.put(key, ms);
                }
            }
        }
        for (String required : List.of(SILENCE_AFTER, SESSION_WINDOW, BASELINE_LOOKBACK)) {
            if (!durations.containsKey(required) && !hasKey(map, required)) {
                error(map, "defaults." + required + " is required");
            }
        }
    }

    private void overrides(Node node, Set<String> params, Set<String> ruleIds, List<RuleSet.Override> out) {
        if (!(node instanceof SequenceNode seq)) {
            error(node, "'overrides' must be a list of {match: {...}, ...}");
            return;
        }
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode map)) {
                error(item, "an override must be a map with 'match'");
                continue;
            }
            Map<String, String> match = null;
            Map<String, Long> durations = new LinkedHashMap<>();
            List<String> critical = null;
            Map<String, RuleSet.RuleOverride> rules = new LinkedHashMap<>();
            for (NodeTuple t : uniqueTuples(map)) {
                String key = key(t);
                Node value = t.getValueNode();
                if (key == null) {
                    continue;
                }
                switch (key) {
                    case "match" -> match = match(value);
                    case CRITICAL_SERVICES -> critical = services(value);
                    case "rules" -> ruleOverrides(value, params, ruleIds, rules);
                    default -> {
                        if (!params.contains(key)) {
                            error(t.getKeyNode(), "unknown parameter '" + key + "' (defaults has: " + String.join(", ", params)
                                    + ", critical_services; per rule: overrides[].rules.ID)");
                        } else {
                            Long ms = duration(value, key, key.equals(BASELINE_LOOKBACK));
                            if (ms != null) {
                                durations.put(key, ms);
                            }
                        }
                    }
                }
            }
            if (match == null) {
                if (!hasKey(map, "match")) {
                    error(map, "an override needs 'match' (tenant, site, group, criticality or device)");
                }
                continue;
            }
            out.add(new RuleSet.Override(DeviceMatch.of(match), durations, critical, rules, file + ":" + line(map)));
        }
    }

    Map<String, String> match(Node node) {
        if (!(node instanceof MappingNode map)) {
            error(node, "'match' must be a map: {tenant: .., site: .., group: .., criticality: .., device: ..}");
            return null;
        }
        Map<String, String> match = new HashMap<>();
        for (NodeTuple t : uniqueTuples(map)) {
            String key = key(t);
            if (key == null) {
                continue;
            }
            if (!MATCH_KEYS.contains(key)) {
                error(t.getKeyNode(), "unknown match key '" + key + "' (known: tenant, site, group, criticality, device)");
                continue;
            }
            String v = scalar(t.getValueNode(), "match." + key);
            if (v != null && !v.isBlank()) {
                match.put(key, v);
            }
        }
        if (match.isEmpty()) {
            error(map, "'match' names no tenant, site, group, criticality or device (it would match every device)");
            return null;
        }
        return match;
    }

    private void ruleOverrides(Node node, Set<String> params, Set<String> ruleIds, Map<String, RuleSet.RuleOverride> out) {
        if (!(node instanceof MappingNode map)) {
            error(node, "'rules' in an override must be a map of rule id to {enabled, severity, message, parameters}");
            return;
        }
        for (NodeTuple t : uniqueTuples(map)) {
            String id = key(t);
            if (id == null) {
                continue;
            }
            if (!ruleIds.contains(id)) {
                error(t.getKeyNode(), "unknown rule '" + id + "' (known: " + String.join(", ", ruleIds) + ")");
                continue;
            }
            if (!(t.getValueNode() instanceof MappingNode settings)) {
                error(t.getValueNode(), "rule '" + id + "': expected a map of settings");
                continue;
            }
            Boolean enabled = null;
            String severity = null;
            String message = null;
            Map<String, Long> durations = new LinkedHashMap<>();
            for (NodeTuple s : uniqueTuples(settings)) {
                String key = key(s);
                if (key == null) {
                    continue;
                }
                switch (key) {
                    case "enabled" -> enabled = bool(s.getValueNode(), "enabled");
                    case "severity" -> severity = severity(s.getValueNode());
                    case "message" -> message = scalar(s.getValueNode(), "message");
                    case HOLD_FOR -> {
                        Long ms = duration(s.getValueNode(), HOLD_FOR, true);
                        if (ms != null) {
                            durations.put(HOLD_FOR, ms);
                        }
                    }
                    default -> {
                        if (!params.contains(key) || RESERVED_PARAMS.contains(key)) {
                            error(s.getKeyNode(), "unknown key '" + key + "' for rule '" + id + "' (known: "
                                    + String.join(", ", RULE_SETTING_KEYS) + " and the window parameters of defaults)");
                        } else {
                            Long ms = duration(s.getValueNode(), key, false);
                            if (ms != null) {
                                durations.put(key, ms);
                            }
                        }
                    }
                }
            }
            out.put(id, new RuleSet.RuleOverride(enabled, severity, message, durations));
        }
    }

    private static final Set<String> RESERVED_PARAMS = Set.of(SILENCE_AFTER, SESSION_WINDOW, BASELINE_LOOKBACK);

    private List<String> services(Node node) {
        if (!(node instanceof SequenceNode seq)) {
            error(node, "critical_services must be a list of service names");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            String s = scalar(item, "a service name");
            if (s != null && s.isBlank()) {
                error(item, "empty service name");
            } else if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    // ---- rules ----

    private void rules(Node node, Set<String> params, List<RuleDefinition> out, Map<String, RuleParams> paramsOut) {
        if (!(node instanceof MappingNode map)) {
            error(node, "'rules' must be a map of rule id to rule");
            return;
        }
        for (NodeTuple t : uniqueTuples(map)) {
            String id = key(t);
            if (id == null) {
                continue;
            }
            if (!RULE_ID.matcher(id).matches()) {
                error(t.getKeyNode(), "'" + id + "' is not a rule id (lower case letters, digits and -, at most 64)");
                continue;
            }
            if (out.size() >= MAX_RULES) {
                error(t.getKeyNode(), "more than " + MAX_RULES + " rules");
                break;
            }
            RuleDefinition rule = rule(id, t.getValueNode(), params, paramsOut);
            if (rule != null) {
                out.add(rule);
            }
        }
    }

    private RuleDefinition rule(String id, Node node, Set<String> params, Map<String, RuleParams> paramsOut) {
        if (!(node instanceof MappingNode map)) {
            error(node, "rule '" + id + "' must be a map (severity, subject, pattern, resolve, message)");
            return null;
        }
        int before = problems.size();
        Map<String, NodeTuple> keys = entries(map, RULE_KEYS, "in rule '" + id + "'");
        String severity = keys.containsKey("severity") ? severity(keys.get("severity").getValueNode()) : null;
        if (!keys.containsKey("severity")) {
            error(map, "rule '" + id + "': 'severity' is required (critical, error, warning or info)");
        }
        RuleDefinition.Subject subject = RuleDefinition.Subject.DEVICE;
        if (keys.containsKey("subject")) {
            Node n = keys.get("subject").getValueNode();
            String s = scalar(n, "subject");
            if (s != null) {
                try {
                    subject = RuleDefinition.Subject.valueOf(s.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    error(n, "subject '" + s + "' is not one of device, service, update");
                }
            }
        }
        boolean forEach = false;
        if (keys.containsKey("for_each")) {
            Node n = keys.get("for_each").getValueNode();
            String s = scalar(n, "for_each");
            if (!"critical_service".equals(s)) {
                error(n, "for_each takes only critical_service");
            } else if (subject != RuleDefinition.Subject.SERVICE) {
                error(n, "for_each: critical_service needs subject: service");
            } else {
                forEach = true;
            }
        }
        Boolean oneShot = keys.containsKey("one_shot") ? bool(keys.get("one_shot").getValueNode(), "one_shot") : Boolean.FALSE;
        Boolean enabled = keys.containsKey("enabled") ? bool(keys.get("enabled").getValueNode(), "enabled") : Boolean.TRUE;
        String message = keys.containsKey("message") ? scalar(keys.get("message").getValueNode(), "message") : null;
        if (message == null) {
            message = "{device}: " + id + " ({kbs})";
        }
        List<List<Step>> patterns = new ArrayList<>();
        Context ctx = new Context(id, subject, params);
        if (keys.containsKey("pattern") && keys.containsKey("patterns")) {
            error(keys.get("patterns").getKeyNode(), "rule '" + id + "' has both 'pattern' and 'patterns'");
        } else if (keys.containsKey("pattern")) {
            List<Step> p = pattern(keys.get("pattern").getValueNode(), ctx);
            if (p != null) {
                patterns.add(p);
            }
        } else if (keys.containsKey("patterns")) {
            Node n = keys.get("patterns").getValueNode();
            if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                error(n, "'patterns' must be a non-empty list of patterns (each a list of steps)");
            } else if (seq.getValue().size() > MAX_PATTERNS) {
                error(n, "more than " + MAX_PATTERNS + " patterns");
            } else {
                for (Node p : seq.getValue()) {
                    List<Step> steps = pattern(p, ctx);
                    if (steps != null) {
                        patterns.add(steps);
                    }
                }
            }
        } else {
            error(map, "rule '" + id + "' needs a 'pattern' (a list of steps) or 'patterns'");
        }
        Condition resolve = null;
        if (!keys.containsKey("resolve")) {
            error(map, "rule '" + id + "' needs 'resolve' (a condition, or never)");
        } else {
            Node n = keys.get("resolve").getValueNode();
            if (n instanceof ScalarNode s && "never".equals(s.getValue())) {
                resolve = null;
            } else {
                resolve = condition(n, ctx, false);
            }
        }
        Long holdFor = keys.containsKey(HOLD_FOR) ? duration(keys.get(HOLD_FOR).getValueNode(), HOLD_FOR, true) : null;
        if (problems.size() > before) {
            return null;
        }
        paramsOut.put(id, new RuleParams(id, enabled, severity.toLowerCase(Locale.ROOT), message,
                holdFor == null ? Map.of() : Map.of(HOLD_FOR, holdFor)));
        return new RuleDefinition(id, subject, forEach, oneShot, patterns, resolve);
    }

    private record Context(String rule, RuleDefinition.Subject subject, Set<String> params) {}

    private List<Step> pattern(Node node, Context ctx) {
        if (!(node instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            error(node, "a pattern is a non-empty list of steps ('- name: {kind: ...}')");
            return null;
        }
        if (seq.getValue().size() > MAX_STEPS) {
            error(node, "more than " + MAX_STEPS + " steps");
            return null;
        }
        List<Step> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean ok = true;
        List<Node> items = seq.getValue();
        for (int i = 0; i < items.size(); i++) {
            boolean previousAbsent = !steps.isEmpty() && steps.get(steps.size() - 1).absence() && steps.size() == i;
            Step step = step(items.get(i), i, i == items.size() - 1, previousAbsent, ctx, names);
            if (step == null) {
                ok = false;
            } else {
                steps.add(step);
            }
        }
        return ok ? steps : null;
    }

    private Step step(Node node, int index, boolean last, boolean previousAbsent, Context ctx, Set<String> names) {
        if (!(node instanceof MappingNode map)) {
            error(node, "a step is a map: 'NAME: {condition}' (or then: / not:), with optional times and within");
            return null;
        }
        String name = null;
        Node conditionNode = null;
        Node nameNode = null;
        Integer times = 1;
        Window within = null;
        Node withinNode = null;
        int before = problems.size();
        for (NodeTuple t : uniqueTuples(map)) {
            String key = key(t);
            if (key == null) {
                continue;
            }
            switch (key) {
                case "times" -> {
                    times = integer(t.getValueNode(), "times", 1, MAX_TIMES);
                }
                case "within" -> {
                    withinNode = t.getValueNode();
                    within = window(withinNode, ctx);
                }
                default -> {
                    if (name != null) {
                        error(t.getKeyNode(), "a step has one name ('" + name + "' already), then optional times and within");
                    } else if (!key.equals("then") && !key.equals("not") && !STEP_NAME.matcher(key).matches()) {
                        error(t.getKeyNode(), "'" + key + "' is not a step name (lower case letters, digits, _ and -)");
                    } else {
                        name = key;
                        nameNode = t.getKeyNode();
                        conditionNode = t.getValueNode();
                    }
                }
            }
        }
        if (name == null) {
            if (problems.size() == before) {
                error(map, "the step has no name and condition ('NAME: {kind: ...}')");
            }
            return null;
        }
        boolean absence = name.equals("not");
        if (absence && index == 0) {
            error(nameNode, "a pattern cannot start with 'not' (absence is measured from a first step)");
        }
        if (absence && last && within == null && withinNode == null) {
            error(nameNode, "'not' needs 'within' as the last step (how long the absence is awaited)");
        }
        if (absence && !last && withinNode != null) {
            error(withinNode, "a 'not' between two steps takes no 'within': the next step's 'within' bounds the match");
        }
        if (absence && previousAbsent) {
            error(nameNode, "two 'not' steps in a row: write one 'not' whose condition lists both (state: [a, b])");
        }
        if (absence && times != null && times != 1) {
            error(nameNode, "'times' cannot apply to 'not'");
        }
        String cepName = name.equals("then") || absence ? "_" + name + index : name;
        if (!names.add(cepName)) {
            error(nameNode, "step name '" + name + "' is used twice in this pattern");
        }
        Condition condition = condition(conditionNode, ctx, index > 0);
        if (problems.size() > before || condition == null || times == null) {
            return null;
        }
        return new Step(cepName, absence, condition, times, within);
    }

    private Window window(Node node, Context ctx) {
        String text = scalar(node, "within");
        if (text == null) {
            return null;
        }
        Matcher ref = PARAM_REF.matcher(text.strip());
        if (ref.matches()) {
            String param = ref.group(1);
            if (!ctx.params().contains(param) || RESERVED_PARAMS.contains(param)) {
                error(node, "unknown parameter '${" + param + "}' (defaults has: "
                        + String.join(", ", ctx.params().stream().filter(p -> !RESERVED_PARAMS.contains(p)).toList()) + ")");
                return null;
            }
            referenced.add(param);
            return new Window(0, param);
        }
        if (text.contains("${")) {
            error(node, "'" + text + "': a window is a duration (20m) or one parameter (\"${boot_within}\")");
            return null;
        }
        Long ms = duration(node, "within", false);
        return ms == null ? null : new Window(ms, null);
    }

    private Condition condition(Node node, Context ctx, boolean hasStart) {
        if (!(node instanceof MappingNode map)) {
            error(node, "a condition is a map of field tests: {kind: booted, in_session: true}");
            return null;
        }
        FactKind kind = null;
        List<Condition.Test> tests = new ArrayList<>();
        int before = problems.size();
        for (NodeTuple t : uniqueTuples(map)) {
            String key = key(t);
            Node value = t.getValueNode();
            if (key == null) {
                continue;
            }
            if (key.equals("kind")) {
                String k = scalar(value, "kind");
                if (k != null) {
                    kind = FactKind.ofRuleName(k);
                    if (kind == null) {
                        error(value, "unknown kind '" + k + "'" + (k.equals("heartbeat")
                                ? ": heartbeats never reach rules; use device_silent / device_back"
                                : " (known: " + String.join(", ", java.util.Arrays.stream(FactKind.values())
                                        .filter(x -> FactKind.ofRuleName(x.ruleName()) != null).map(FactKind::ruleName).toList()) + ")"));
                    }
                }
                continue;
            }
            if (key.equals("same")) {
                if (!hasStart) {
                    error(t.getKeyNode(), "'same' compares with the pattern's first step: not allowed in a first step or resolve");
                    continue;
                }
                List<Node> fields = value instanceof SequenceNode s ? s.getValue() : List.of(value);
                for (Node f : fields) {
                    String name = scalar(f, "a field name");
                    FactField field = name == null ? null : FactField.ofRuleName(name);
                    if (name != null && (field == null || field == FactField.KIND)) {
                        error(f, "unknown field '" + name + "' in same");
                    } else if (field != null) {
                        tests.add(new Condition.Test(field, Condition.Op.SAME, Set.of(), 0));
                    }
                }
                continue;
            }
            FactField field = FactField.ofRuleName(key);
            if (field == null) {
                error(t.getKeyNode(), "unknown field '" + key + "' (known: kind, same, " + String.join(", ",
                        java.util.Arrays.stream(FactField.values()).filter(f -> f != FactField.KIND).map(FactField::ruleName).toList()) + ")");
                continue;
            }
            Condition.Test test = test(field, value, ctx);
            if (test != null) {
                tests.add(test);
            }
        }
        if (kind == null) {
            if (problems.size() == before || !hasKey(map, "kind")) {
                error(map, "the condition needs a kind");
            }
            return null;
        }
        if (problems.size() > before) {
            return null;
        }
        return new Condition(kind, tests, flow(map));
    }

    private Condition.Test test(FactField field, Node value, Context ctx) {
        if (value instanceof ScalarNode s && "$subject".equals(s.getValue())) {
            boolean ok = (ctx.subject() == RuleDefinition.Subject.SERVICE && field == FactField.SERVICE)
                    || (ctx.subject() == RuleDefinition.Subject.UPDATE && field == FactField.UPDATE);
            if (!ok) {
                error(value, "$subject is the incident's " + (ctx.subject() == RuleDefinition.Subject.DEVICE
                        ? "device: use it with subject: service (service: $subject) or subject: update (update: $subject)"
                        : ctx.subject().name().toLowerCase(Locale.ROOT) + ": compare it with "
                                + ctx.subject().name().toLowerCase(Locale.ROOT) + ": $subject"));
                return null;
            }
            return new Condition.Test(field, Condition.Op.SUBJECT, Set.of(), 0);
        }
        if (value instanceof MappingNode cmp) {
            if (field.type != FactField.Type.NUMBER) {
                error(value, "'" + field.ruleName() + "' is not a number: compare it with a value or a list");
                return null;
            }
            List<NodeTuple> tuples = uniqueTuples(cmp);
            if (tuples.size() != 1) {
                error(value, "a comparison is one of {gt: X}, {ge: X}, {lt: X}, {le: X}");
                return null;
            }
            String op = key(tuples.get(0));
            Double number = number(tuples.get(0).getValueNode(), field.ruleName());
            Condition.Op o = switch (op == null ? "" : op) {
                case "gt" -> Condition.Op.GT;
                case "ge" -> Condition.Op.GE;
                case "lt" -> Condition.Op.LT;
                case "le" -> Condition.Op.LE;
                default -> null;
            };
            if (o == null) {
                error(tuples.get(0).getKeyNode(), "'" + op + "' is not a comparison (gt, ge, lt, le)");
                return null;
            }
            return number == null ? null : new Condition.Test(field, o, Set.of(), number);
        }
        List<Node> items = value instanceof SequenceNode seq ? seq.getValue() : List.of(value);
        if (items.isEmpty()) {
            error(value, "an empty list matches nothing");
            return null;
        }
        Set<Object> values = new LinkedHashSet<>();
        for (Node item : items) {
            Object v = literal(field, item);
            if (v == null) {
                return null;
            }
            values.add(v);
        }
        return new Condition.Test(field, Condition.Op.ONE_OF, values, 0);
    }

    private static final Set<String> SERVICE_STATES = Set.of("running", "stopped", "start_pending", "stop_pending", "paused");

    private Object literal(FactField field, Node node) {
        switch (field.type) {
            case BOOLEAN:
                return bool(node, field.ruleName());
            case NUMBER:
                return number(node, field.ruleName());
            default:
                String s = scalar(node, field.ruleName());
                if (s == null) {
                    return null;
                }
                if (field == FactField.STATE && !SERVICE_STATES.contains(s)) {
                    error(node, "state '" + s + "' is not one of " + String.join(", ", SERVICE_STATES));
                    return null;
                }
                return s.toLowerCase(Locale.ROOT);
        }
    }

    // ---- scalars ----

    private String severity(Node node) {
        String s = scalar(node, "severity");
        if (s != null && !SEVERITIES.contains(s.toLowerCase(Locale.ROOT))) {
            error(node, "severity '" + s + "' is not one of " + String.join(", ", SEVERITIES));
            return null;
        }
        return s;
    }

    Long duration(Node node, String what, boolean zeroAllowed) {
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        try {
            long ms = Durations.parse(s).toMillis();
            if (ms <= 0 && !zeroAllowed) {
                error(node, what + ": must be longer than zero");
                return null;
            }
            return ms;
        } catch (IllegalArgumentException e) {
            error(node, what + ": " + e.getMessage());
            return null;
        }
    }

    Boolean bool(Node node, String what) {
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        if (s.equals("true") || s.equals("false")) {
            return Boolean.valueOf(s);
        }
        error(node, what + ": '" + s + "' is not true or false");
        return null;
    }

    Double number(Node node, String what) {
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(node, what + ": '" + s + "' is not a number");
        return null;
    }

    Integer integer(Node node, String what, int min, int max) {
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(node, what + ": '" + s + "' is not a whole number from " + min + " to " + max);
        return null;
    }

    String scalar(Node node, String what) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            return s.getValue();
        }
        error(node, what + ": expected a single value");
        return null;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    // ---- maps ----

    /** The tuples of a map, reporting keys that repeat or are not plain text. */
    List<NodeTuple> uniqueTuples(MappingNode map) {
        List<NodeTuple> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                error(t.getKeyNode(), "a key must be plain text");
                continue;
            }
            if (!seen.add(k.getValue())) {
                error(k, "'" + k.getValue() + "' appears twice");
                continue;
            }
            out.add(t);
        }
        return out;
    }

    Map<String, NodeTuple> entries(MappingNode map, Set<String> known, String where) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : uniqueTuples(map)) {
            String key = key(t);
            if (key == null) {
                continue;
            }
            if (!known.contains(key)) {
                error(t.getKeyNode(), "unknown key '" + key + "' " + where + " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            } else {
                out.put(key, t);
            }
        }
        return out;
    }

    static boolean hasKey(MappingNode map, String key) {
        return map.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key));
    }

    static String key(NodeTuple t) {
        return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
    }

    /** A condition as one line, for the compiled pattern's description. */
    private static String flow(Node node) {
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        if (node instanceof SequenceNode seq) {
            return "[" + String.join(", ", seq.getValue().stream().map(RulesParser::flow).toList()) + "]";
        }
        if (node instanceof MappingNode map) {
            return "{" + String.join(", ", map.getValue().stream()
                    .map(t -> flow(t.getKeyNode()) + ": " + flow(t.getValueNode())).toList()) + "}";
        }
        return "?";
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    void error(Node node, String message) {
        problems.add(node, message);
    }
}
