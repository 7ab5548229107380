package io.patchwatch.jobs.rules;


import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.inventory.DeviceInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled rules file: the rules (patterns as data, see RULES.md) and their parameters, the
 * defaults plus ordered overrides, resolved into a {@link RuleProfile} per device.
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

    private final RuleProfile defaults;
    private final List<Override> overrides;
    private final List<RuleDefinition> rules;
    private final RulePlan plan;
    private final NoiseSettings noise;
    private final List<MaintenanceWindow> maintenance;
    private transient Map<Object, RuleProfile> cache;
    /** Whether a device the inventory does not list takes the defaults (see {@link #unlistedTakeDefaults}). */
    private transient Boolean unlistedDefaults;
    /** The file's text, as published to the rules topic. */
    private String sourceText = "";

    RuleSet(RuleProfile defaults, List<Override> overrides, List<RuleDefinition> rules,
            NoiseSettings noise, List<MaintenanceWindow> maintenance) {
        this.defaults = defaults;
        this.noise = noise;
        this.maintenance = List.copyOf(maintenance);
        this.overrides = List.copyOf(overrides);
        this.rules = List.copyOf(rules);
        this.plan = RulePlan.of(this.rules, allProfiles());
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

    /** Parses and compiles: every error of the file (with line and column) in one exception. */
    public static RuleSet parse(byte[] yaml, String fileName) {
        RuleSet set = RulesParser.parse(yaml, fileName);
        set.sourceText = new String(yaml, java.nio.charset.StandardCharsets.UTF_8);
        // Compiling to CEP checks what only Flink can (and fails here, not at job start).
        for (CompiledPattern p : set.plan.patterns()) {
            p.toCep(set, io.patchwatch.jobs.inventory.Inventory.empty());
        }
        return set;
    }

    /** The text this set was parsed from. */
    public String sourceText() {
        return sourceText;
    }

    /** Every rule, in file order. */
    public List<RuleDefinition> rules() {
        return rules;
    }

    /** The rule with this id, or null (site-outage, flapping: noise control's own incidents). */
    public RuleDefinition find(String id) {
        for (RuleDefinition r : rules) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        return null;
    }

    public RuleDefinition rule(String id) {
        for (RuleDefinition r : rules) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown rule " + id);
    }

    /** The overrides, in file order. */
    List<Override> overrides() {
        return overrides;
    }

    /** The rules compiled once: what the tracker, CEP, live versions and diffs read. */
    /** What an operator is told, and when (FLEET.md "Noise control"). */
    public NoiseSettings noise() {
        return noise;
    }

    /** The declared maintenance windows, in file order. */
    public List<MaintenanceWindow> maintenance() {
        return maintenance;
    }

    public RulePlan plan() {
        return plan;
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
            for (Override o : overrides) {
                if (o.matches(device)) {
                    p = o.apply(p);
                }
            }
            return p;
        });
    }

    /**
     * A device's profile from this set, with only the overrides {@code openedWith} has too (matched
     * on the same devices): what a session opened under {@code openedWith} gets after a change.
     */
    public RuleProfile profileFor(DeviceInfo device, RuleSet openedWith) {
        RuleProfile p = defaults;
        for (Override o : overrides) {
            if (o.matches(device) && openedWith.overrides.stream().anyMatch(o::sameDevices)) {
                p = o.apply(p);
            }
        }
        return p;
    }

    /**
     * Whether every override asks for a group or a criticality, which only the inventory knows: then
     * a device it does not list (most devices, on most nights) takes the defaults, without its
     * inventory entry being made up and matched against every override, per event.
     */
    public boolean unlistedTakeDefaults() {
        if (unlistedDefaults == null) {
            unlistedDefaults = overrides.stream().allMatch(o -> o.match().needsInventory());
        }
        return unlistedDefaults;
    }

    public RuleProfile defaultProfile() {
        return defaults;
    }

    /** Every profile a device can have, or a superset: each override alone and on top of the ones before. */
    List<RuleProfile> allProfiles() {
        List<RuleProfile> all = new ArrayList<>();
        all.add(defaults);
        RuleProfile p = defaults;
        for (Override o : overrides) {
            all.add(o.apply(defaults));
            p = o.apply(p);
            all.add(p);
        }
        return all;
    }

    /** One rule's settings in an override; null fields keep what was there. */
    record RuleOverride(Boolean enabled, String severity, String message, Map<String, Long> durations) implements Serializable {}

    /** One entry of {@code overrides}: which devices, and what it changes for them. */
    record Override(DeviceMatch match, Map<String, Long> durations, List<String> criticalServices,
                    Map<String, RuleOverride> rules, String where) implements Serializable {

        /** Whether both entries select the same devices (an override's identity across versions). */
        boolean sameDevices(Override o) {
            return match.equals(o.match);
        }

        boolean matches(DeviceInfo d) {
            return match.matches(d);
        }

        RuleProfile apply(RuleProfile base) {
            Map<String, Long> d = new LinkedHashMap<>(base.durations());
            d.putAll(durations);
            Map<String, RuleParams> r = new LinkedHashMap<>(base.rules());
            for (Map.Entry<String, RuleOverride> e : rules.entrySet()) {
                RuleParams old = r.get(e.getKey());
                RuleOverride o = e.getValue();
                Map<String, Long> own = new LinkedHashMap<>(old.durations());
                own.putAll(o.durations());
                r.put(e.getKey(), new RuleParams(old.ruleId(),
                        o.enabled() != null ? o.enabled() : old.enabled(),
                        o.severity() != null ? o.severity().toLowerCase(java.util.Locale.ROOT) : old.severity(),
                        o.message() != null ? o.message() : old.message(),
                        Collections.unmodifiableMap(own)));
            }
            return new RuleProfile(
                    d.get(RulesParser.SILENCE_AFTER), d.get(RulesParser.SESSION_WINDOW), d.get(RulesParser.BASELINE_LOOKBACK),
                    criticalServices != null ? List.copyOf(criticalServices) : base.criticalServices(),
                    Collections.unmodifiableMap(d), Collections.unmodifiableMap(r));
        }
    }
}
