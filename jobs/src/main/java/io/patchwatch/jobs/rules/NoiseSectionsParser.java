package io.patchwatch.jobs.rules;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code noise:} and {@code maintenance:} sections of a rules file (FLEET.md), reporting
 * problems through the {@link RulesParser} that reads the rest, with their line and column.
 */
final class NoiseSectionsParser {
    private static final Set<String> NOISE_KEYS = Set.of("group_wait", "settle", "feed_silence_after", "site_outage", "flapping", "inhibits");
    private static final Set<String> WINDOW_KEYS = Set.of("name", "match", "start", "end", "every", "duration", "zone", "mode", "rules", "settle");
    private static final Map<String, DayOfWeek> DAYS = Map.of(
            "MON", DayOfWeek.MONDAY, "TUE", DayOfWeek.TUESDAY, "WED", DayOfWeek.WEDNESDAY, "THU", DayOfWeek.THURSDAY,
            "FRI", DayOfWeek.FRIDAY, "SAT", DayOfWeek.SATURDAY, "SUN", DayOfWeek.SUNDAY);
    private static final int MAX_WINDOWS = 1000;

    private final RulesParser p;
    private final Set<String> ruleIds;

    NoiseSectionsParser(RulesParser parser, Set<String> ruleIds) {
        this.p = parser;
        this.ruleIds = ruleIds;
    }

    /** The noise settings: the defaults, with what the section gives key by key ({@code inhibits} whole). */
    NoiseSettings noise(Node node) {
        NoiseSettings d = NoiseSettings.DEFAULTS;
        if (RulesParser.isNull(node)) {
            return d;
        }
        if (!(node instanceof MappingNode map)) {
            p.error(node, "'noise' must be a map (group_wait, settle, feed_silence_after, site_outage, flapping, inhibits)");
            return d;
        }
        Map<String, NodeTuple> keys = p.entries(map, NOISE_KEYS, "in noise");
        long groupWait = duration(keys, "group_wait", d.groupWaitMs(), true);
        long settle = duration(keys, "settle", d.settleMs(), true);
        long feedSilence = duration(keys, "feed_silence_after", d.feedSilenceAfterMs(), false);
        NoiseSettings.SiteOutage site = d.siteOutage();
        if (keys.containsKey("site_outage") && sub(keys.get("site_outage"), "noise.site_outage") instanceof MappingNode m) {
            Map<String, NodeTuple> k = p.entries(m, Set.of("min_devices", "percent", "within"), "in noise.site_outage");
            Integer min = k.containsKey("min_devices") ? p.integer(k.get("min_devices").getValueNode(), "min_devices", 1, 1_000_000) : null;
            Double percent = k.containsKey("percent") ? p.number(k.get("percent").getValueNode(), "percent") : null;
            if (percent != null && (percent < 0 || percent > 100)) {
                p.error(k.get("percent").getValueNode(), "percent: must be from 0 to 100");
                percent = null;
            }
            site = new NoiseSettings.SiteOutage(min != null ? min : site.minDevices(), percent != null ? percent : site.percent(),
                    duration(k, "within", site.withinMs(), false));
        }
        NoiseSettings.Flapping flapping = d.flapping();
        if (keys.containsKey("flapping") && sub(keys.get("flapping"), "noise.flapping") instanceof MappingNode m) {
            Map<String, NodeTuple> k = p.entries(m, Set.of("count", "within", "quiet"), "in noise.flapping");
            Integer count = k.containsKey("count") ? p.integer(k.get("count").getValueNode(), "count", 2, 1000) : null;
            flapping = new NoiseSettings.Flapping(count != null ? count : flapping.count(),
                    duration(k, "within", flapping.withinMs(), false), duration(k, "quiet", flapping.quietMs(), true));
        }
        Map<String, List<String>> inhibits = d.inhibits();
        if (keys.containsKey("inhibits")) {
            inhibits = inhibits(keys.get("inhibits").getValueNode());
        }
        return new NoiseSettings(groupWait, settle, feedSilence, site, flapping, inhibits);
    }

    private Node sub(NodeTuple t, String what) {
        if (!(t.getValueNode() instanceof MappingNode)) {
            p.error(t.getValueNode(), what + " must be a map");
        }
        return t.getValueNode();
    }

    private long duration(Map<String, NodeTuple> keys, String key, long dflt, boolean zeroAllowed) {
        if (!keys.containsKey(key)) {
            return dflt;
        }
        Long ms = p.duration(keys.get(key).getValueNode(), key, zeroAllowed);
        return ms == null ? dflt : ms;
    }

    private Map<String, List<String>> inhibits(Node node) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (RulesParser.isNull(node)) {
            return out;
        }
        if (!(node instanceof MappingNode map)) {
            p.error(node, "noise.inhibits must be a map of parent to the rules it holds");
            return out;
        }
        for (NodeTuple t : p.uniqueTuples(map)) {
            String parent = RulesParser.key(t);
            if (parent == null) {
                continue;
            }
            if (!parent.equals(NoiseSettings.SITE_OUTAGE) && !parent.equals(NoiseSettings.FEED_SILENT) && !ruleIds.contains(parent)) {
                p.error(t.getKeyNode(), "noise.inhibits: '" + parent + "' is not site-outage, feed-silent or a rule of this file");
                continue;
            }
            List<String> children = ruleList(t.getValueNode(), "noise.inhibits." + parent);
            if (children != null) {
                if (children.contains(parent)) {
                    p.error(t.getValueNode(), "noise.inhibits." + parent + ": a rule cannot hold itself");
                } else {
                    out.put(parent, children);
                }
            }
        }
        return out;
    }

    private List<String> ruleList(Node node, String what) {
        if (!(node instanceof SequenceNode seq)) {
            p.error(node, what + " must be a list of rule ids");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Node n : seq.getValue()) {
            String id = p.scalar(n, what);
            if (id == null) {
                continue;
            }
            if (!ruleIds.contains(id)) {
                p.error(n, what + ": no rule '" + id + "' in this file");
            } else if (!out.contains(id)) {
                out.add(id);
            }
        }
        return List.copyOf(out);
    }

    /** The maintenance windows; each needs a name, a match, and one-off or weekly times. */
    List<MaintenanceWindow> maintenance(Node node, long defaultSettle) {
        List<MaintenanceWindow> out = new ArrayList<>();
        if (RulesParser.isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            p.error(node, "'maintenance' must be a list of windows ({name, match, start, end} or {name, match, every, duration, zone})");
            return out;
        }
        if (seq.getValue().size() > MAX_WINDOWS) {
            p.error(node, "more than " + MAX_WINDOWS + " maintenance windows");
            return out;
        }
        Set<String> names = new HashSet<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof MappingNode map)) {
                p.error(item, "a maintenance window must be a map with name, match and its times");
                continue;
            }
            MaintenanceWindow w = window(map, defaultSettle);
            if (w != null && !names.add(w.name())) {
                p.error(map, "maintenance window '" + w.name() + "' appears twice");
            } else if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    private MaintenanceWindow window(MappingNode map, long defaultSettle) {
        Map<String, NodeTuple> k = p.entries(map, WINDOW_KEYS, "in a maintenance window");
        String name = k.containsKey("name") ? p.scalar(k.get("name").getValueNode(), "name") : null;
        if (name == null) {
            if (!k.containsKey("name")) {
                p.error(map, "a maintenance window needs a 'name'");
            }
            return null;
        }
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            p.error(k.get("name").getValueNode(), "window name '" + name + "': letters, digits, '.', '_' and '-', at most 64");
            return null;
        }
        String where = "maintenance window '" + name + "'";
        Map<String, String> match = k.containsKey("match") ? p.match(k.get("match").getValueNode()) : null;
        if (match == null && !k.containsKey("match")) {
            p.error(map, where + " needs 'match' (tenant, site, group, criticality or device)");
        }
        MaintenanceWindow.Mode mode = MaintenanceWindow.Mode.EXPECTED;
        if (k.containsKey("mode")) {
            String m = p.scalar(k.get("mode").getValueNode(), "mode");
            if ("mute".equals(m)) {
                mode = MaintenanceWindow.Mode.MUTE;
            } else if (m != null && !"expected".equals(m)) {
                p.error(k.get("mode").getValueNode(), where + ": mode '" + m + "' is not expected or mute");
            }
        }
        List<String> rules = k.containsKey("rules") ? ruleList(k.get("rules").getValueNode(), where + " rules") : null;
        long settle = duration(k, "settle", defaultSettle, true);
        boolean oneOff = k.containsKey("start") || k.containsKey("end");
        boolean weekly = k.containsKey("every") || k.containsKey("duration") || k.containsKey("zone");
        if (oneOff == weekly) {
            p.error(map, where + " needs either start and end, or every, duration and zone");
            return null;
        }
        if (oneOff) {
            Long start = instant(k, "start", where, map);
            Long end = instant(k, "end", where, map);
            if (start != null && end != null && end <= start) {
                p.error(k.get("end").getValueNode(), where + ": end must be after start");
                return null;
            }
            if (start == null || end == null || match == null) {
                return null;
            }
            return new MaintenanceWindow(name, DeviceMatch.of(match), start, end, Set.of(), null, 0, null, mode, rules, settle);
        }
        for (String required : List.of("every", "duration", "zone")) {
            if (!k.containsKey(required)) {
                p.error(map, where + " needs '" + required + "' (every: \"WED 01:00\", duration: 4h, zone: Europe/Berlin)");
                return null;
            }
        }
        Long duration = p.duration(k.get("duration").getValueNode(), "duration", false);
        if (duration != null && duration > 7 * 86_400_000L) {
            p.error(k.get("duration").getValueNode(), where + ": duration is longer than a week");
            duration = null;
        }
        ZoneId zone = null;
        String z = p.scalar(k.get("zone").getValueNode(), "zone");
        if (z != null) {
            try {
                zone = ZoneId.of(z);
            } catch (DateTimeException e) {
                p.error(k.get("zone").getValueNode(), where + ": '" + z + "' is not a time zone (Europe/Berlin, UTC, America/New_York)");
            }
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        LocalTime at = every(k.get("every").getValueNode(), where, days);
        if (duration == null || zone == null || at == null || match == null) {
            return null;
        }
        return new MaintenanceWindow(name, DeviceMatch.of(match), 0, 0, days, at, duration, zone, mode, rules, settle);
    }

    private Long instant(Map<String, NodeTuple> k, String key, String where, MappingNode map) {
        if (!k.containsKey(key)) {
            p.error(map, where + " needs '" + key + "' (an ISO-8601 time with its offset: 2026-11-11T01:00:00Z)");
            return null;
        }
        Node n = k.get(key).getValueNode();
        String s = p.scalar(n, key);
        if (s == null) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e2) {
                p.error(n, where + ": " + key + " '" + s + "' is not an ISO-8601 time with its offset (2026-11-11T01:00:00Z)");
                return null;
            }
        }
    }

    /** {@code "WED 01:00"}, {@code "MON,THU 22:30"} or {@code "DAILY 02:00"}: the days into {@code days}, the time returned. */
    private LocalTime every(Node n, String where, Set<DayOfWeek> days) {
        String s = p.scalar(n, "every");
        if (s == null) {
            return null;
        }
        String[] parts = s.trim().split("\\s+");
        String problem = null;
        LocalTime at = null;
        if (parts.length != 2) {
            problem = "expected days and a time";
        } else {
            for (String d : parts[0].toUpperCase(Locale.ROOT).split(",")) {
                if (d.equals("DAILY")) {
                    days.addAll(EnumSet.allOf(DayOfWeek.class));
                } else if (DAYS.containsKey(d)) {
                    days.add(DAYS.get(d));
                } else {
                    problem = "'" + d + "' is not MON..SUN or DAILY";
                }
            }
            try {
                at = LocalTime.parse(parts[1]);
            } catch (DateTimeParseException e) {
                problem = "'" + parts[1] + "' is not a time of day (01:00)";
            }
        }
        if (problem != null) {
            p.error(n, where + ": every '" + s + "': " + problem + " (\"WED 01:00\", \"MON,THU 22:30\", \"DAILY 02:00\")");
            return null;
        }
        return at;
    }
}
