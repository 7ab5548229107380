package io.patchwatch.jobs.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled rules file: defaults plus ordered overrides, resolved into a {@link RuleProfile} per
 * device.
 *
 * <pre>{@code
 * RuleSet rules = RuleSet.load(Path.of("flink-conf/rules.yaml"));
 * RuleProfile p = rules.profileFor(inventory.lookup("acme", "SRV-SQL-01", null));
 * long n = p.silenceAfterMs();
 * }</pre>
 *
 * Overrides apply in file order, each on top of the previous ones, so put general ones (a tenant)
 * before specific ones (a group of that tenant).
 */
public final class RuleSet implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String DEFAULT_RESOURCE = "/io/patchwatch/jobs/config/rules.yaml";
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    private final RuleProfile defaults;
    private final List<CompiledOverride> overrides;
    private transient Map<Object, RuleProfile> cache;

    private RuleSet(RuleProfile defaults, List<CompiledOverride> overrides) {
        this.defaults = defaults;
        this.overrides = overrides;
    }

    /** The rules.yaml shipped in the jar (a copy of flink-conf/rules.yaml). */
    public static RuleSet defaults() {
        try (InputStream in = RuleSet.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new ConfigException("the default rules are missing from the classpath: " + DEFAULT_RESOURCE);
            }
            return parse(in.readAllBytes(), "rules.yaml (built in)");
        } catch (IOException e) {
            throw new ConfigException("cannot read the built-in rules: " + e.getMessage(), e);
        }
    }

    public static RuleSet load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read rules file: " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    public static RuleSet parse(byte[] yaml, String fileName) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        RulesFile file;
        try {
            file = mapper.readValue(yaml, RulesFile.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(where(fileName, e.getLocation()) + "unknown key '" + e.getPropertyName()
                    + "' at " + path(e) + " (known here: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonMappingException e) {
            throw new ConfigException(where(fileName, e.getLocation()) + e.getOriginalMessage() + " at " + path(e), e);
        } catch (IOException e) {
            throw new ConfigException(fileName + ": not valid YAML: " + e.getMessage(), e);
        }
        if (file == null || file.defaults == null) {
            throw new ConfigException(fileName + ": the 'defaults' section is required");
        }
        RuleProfile defaults = compileDefaults(file.defaults, fileName);
        List<CompiledOverride> overrides = new ArrayList<>();
        for (int i = 0; i < file.overrides.size(); i++) {
            RulesFile.Override o = file.overrides.get(i);
            String where = fileName + ": overrides[" + i + "]";
            if (o.match == null) {
                throw new ConfigException(where + ": 'match' is required");
            }
            validate(o, where);
            // Tenants are folded to lower case and devices to their short names, as events are.
            overrides.add(new CompiledOverride(
                    o.match.tenant == null ? null : o.match.tenant.strip().toLowerCase(java.util.Locale.ROOT),
                    o.match.site, o.match.group, o.match.criticality,
                    o.match.device == null ? null : io.patchwatch.connectors.adapters.HostNames.device(
                            io.patchwatch.connectors.adapters.DeviceIdentity.normalise(o.match.device)), o, where));
        }
        return new RuleSet(defaults, overrides);
    }

    /** The profile of a device: the defaults, then every matching override in file order. */
    public RuleProfile profileFor(DeviceInfo device) {
        if (overrides.isEmpty()) {
            return defaults;
        }
        if (cache == null) {
            cache = new ConcurrentHashMap<>();
        }
        // Called for every heartbeat: which overrides match is a bit set, built without allocating
        // for up to 64 overrides; most devices match none and get the defaults at once.
        java.util.BitSet matched = null;
        long mask = 0;
        for (int i = 0; i < overrides.size(); i++) {
            if (overrides.get(i).matches(device)) {
                if (i < 64) {
                    mask |= 1L << i;
                } else {
                    matched = matched == null ? new java.util.BitSet() : matched;
                    matched.set(i);
                }
            }
        }
        if (mask == 0 && matched == null) {
            return defaults;
        }
        Object key = matched == null ? (Object) mask : List.of(mask, matched);
        return cache.computeIfAbsent(key, k -> {
            RuleProfile p = defaults;
            for (CompiledOverride o : overrides) {
                if (o.matches(device)) {
                    p = apply(p, o.settings, o.where);
                }
            }
            return p;
        });
    }

    public RuleProfile defaultProfile() {
        return defaults;
    }

    /**
     * Every window a rule can have for some device. Flink CEP's {@code within} is fixed per pattern,
     * so the rule compiler builds one pattern per distinct window.
     */
    public Set<Long> windowsOf(String ruleId) {
        Set<Long> windows = new TreeSet<>();
        windows.add(defaults.rule(ruleId).windowMs());
        RuleProfile p = defaults;
        for (CompiledOverride o : overrides) {
            // Both the override on its own and on top of the ones before it: a superset of the real ones.
            windows.add(apply(defaults, o.settings, o.where).rule(ruleId).windowMs());
            p = apply(p, o.settings, o.where);
            windows.add(p.rule(ruleId).windowMs());
        }
        return windows;
    }

    /** The longest time any incident can stay relevant: W + P (+ margin) over every profile. */
    public long longestHorizonMs() {
        long max = 0;
        for (RuleProfile p : allProfiles()) {
            long longestWindow = 0;
            for (RuleParams r : p.rules().values()) {
                longestWindow = Math.max(longestWindow, r.windowMs());
            }
            max = Math.max(max, p.sessionWindowMs() + longestWindow + p.silenceAfterMs());
        }
        return max;
    }

    private List<RuleProfile> allProfiles() {
        List<RuleProfile> all = new ArrayList<>();
        all.add(defaults);
        RuleProfile p = defaults;
        for (CompiledOverride o : overrides) {
            all.add(apply(defaults, o.settings, o.where));
            p = apply(p, o.settings, o.where);
            all.add(p);
        }
        return all;
    }

    private static RuleProfile compileDefaults(RulesFile.Settings s, String fileName) {
        String where = fileName + ": defaults";
        require(s.silenceAfter, where + ".silence_after");
        require(s.sessionWindow, where + ".session_window");
        require(s.baselineLookback, where + ".baseline_lookback");
        validate(s, where);
        Map<String, RuleParams> rules = new LinkedHashMap<>();
        for (String id : RuleIds.ALL) {
            RulesFile.RuleSettings r = s.rules.get(id);
            if (r == null) {
                throw new ConfigException(where + ".rules: rule '" + id + "' is missing");
            }
            require(r.severity, where + ".rules." + id + ".severity");
            require(r.message, where + ".rules." + id + ".message");
            String windowKey = RuleIds.windowKey(id);
            String window = "start_within".equals(windowKey) ? r.startWithin : r.bootWithin;
            if (windowKey != null) {
                require(window, where + ".rules." + id + "." + windowKey);
            }
            rules.put(id, new RuleParams(id, r.enabled == null || r.enabled,
                    r.severity, r.message, window == null ? 0 : duration(window, where + ".rules." + id + "." + windowKey)));
        }
        return new RuleProfile(
                duration(s.silenceAfter, where + ".silence_after"),
                duration(s.sessionWindow, where + ".session_window"),
                duration(s.baselineLookback, where + ".baseline_lookback"),
                s.criticalServices == null ? List.of() : List.copyOf(s.criticalServices),
                Collections.unmodifiableMap(rules));
    }

    private static RuleProfile apply(RuleProfile base, RulesFile.Settings s, String where) {
        Map<String, RuleParams> rules = new LinkedHashMap<>(base.rules());
        for (Map.Entry<String, RulesFile.RuleSettings> e : s.rules.entrySet()) {
            RuleParams old = rules.get(e.getKey());
            RulesFile.RuleSettings r = e.getValue();
            String window = r.startWithin != null ? r.startWithin : r.bootWithin;
            rules.put(e.getKey(), new RuleParams(
                    old.ruleId(),
                    r.enabled != null ? r.enabled : old.enabled(),
                    r.severity != null ? r.severity : old.severity(),
                    r.message != null ? r.message : old.message(),
                    window != null ? duration(window, where) : old.windowMs()));
        }
        List<String> critical = base.criticalServices();
        if (s.criticalServices != null) {
            critical = List.copyOf(s.criticalServices);
        }
        return new RuleProfile(
                s.silenceAfter != null ? duration(s.silenceAfter, where) : base.silenceAfterMs(),
                s.sessionWindow != null ? duration(s.sessionWindow, where) : base.sessionWindowMs(),
                s.baselineLookback != null ? duration(s.baselineLookback, where) : base.baselineLookbackMs(),
                critical,
                Collections.unmodifiableMap(rules));
    }

    /** Checks values that Jackson cannot: durations, severities, rule ids, keys a rule does not take. */
    private static void validate(RulesFile.Settings s, String where) {
        if (s.silenceAfter != null) positive(s.silenceAfter, where + ".silence_after");
        if (s.sessionWindow != null) positive(s.sessionWindow, where + ".session_window");
        if (s.baselineLookback != null) duration(s.baselineLookback, where + ".baseline_lookback");
        if (s.criticalServices != null) {
            Set<String> seen = new LinkedHashSet<>();
            for (String svc : s.criticalServices) {
                if (svc == null || svc.isBlank()) {
                    throw new ConfigException(where + ".critical_services: empty service name");
                }
                seen.add(svc);
            }
        }
        for (Map.Entry<String, RulesFile.RuleSettings> e : s.rules.entrySet()) {
            String id = e.getKey();
            String at = where + ".rules." + id;
            if (!RuleIds.ALL.contains(id)) {
                throw new ConfigException(at + ": unknown rule '" + id + "' (known: " + String.join(", ", RuleIds.ALL) + ")");
            }
            RulesFile.RuleSettings r = e.getValue();
            if (r == null) {
                throw new ConfigException(at + ": empty rule section");
            }
            if (r.severity != null && !SEVERITIES.contains(r.severity.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(at + ".severity: '" + r.severity + "' is not one of " + SEVERITIES);
            }
            String windowKey = RuleIds.windowKey(id);
            if (r.startWithin != null && !"start_within".equals(windowKey)) {
                throw new ConfigException(at + ".start_within: rule '" + id + "' takes no start_within");
            }
            if (r.bootWithin != null && !"boot_within".equals(windowKey)) {
                throw new ConfigException(at + ".boot_within: rule '" + id + "' takes no boot_within");
            }
            if (r.startWithin != null) positive(r.startWithin, at + ".start_within");
            if (r.bootWithin != null) positive(r.bootWithin, at + ".boot_within");
        }
    }

    private static void positive(String text, String where) {
        if (duration(text, where) <= 0) {
            throw new ConfigException(where + ": must be longer than zero");
        }
    }

    private static long duration(String text, String where) {
        try {
            Duration d = Durations.parse(text);
            return d.toMillis();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
    }

    private static void require(Object value, String where) {
        if (value == null) {
            throw new ConfigException(where + " is required");
        }
    }

    private static String where(String fileName, JsonLocation loc) {
        return loc == null ? fileName + ": " : fileName + ":" + loc.getLineNr() + ":" + loc.getColumnNr() + ": ";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "the top level" : sb.toString();
    }

    private record CompiledOverride(String tenant, String site, String group, String criticality, String device,
                                    RulesFile.Settings settings, String where) implements Serializable {
        boolean matches(DeviceInfo d) {
            return eq(tenant, d.tenant()) && eq(site, d.site()) && eq(group, d.group())
                    && eq(criticality, d.criticality()) && eq(device, d.device());
        }

        private static boolean eq(String want, String have) {
            return want == null || (have != null && want.equalsIgnoreCase(have));
        }
    }
}
