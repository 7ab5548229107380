package io.patchwatch.jobs.support;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A replay scenario written compactly, one event per line:
 *
 * <pre>
 * 02:03    SRV-01 patch_installed kb=KB5044284 reboot_required=true
 * d2/02:00 SRV-01 booted
 * </pre>
 *
 * Times are on 2026-11-10 UTC ({@code dN/} adds N-1 days); {@code tenant} defaults to acme. Each
 * line becomes one canonical JSON line, which is what replay reads. Lines starting with {@code {}
 * are taken as they are (raw JSON, or junk for dead-letter tests). A line ending in {@code @NAME}
 * comes in through feed NAME (as if from its own replay input), the others through {@code scenario}.
 */
public final class Scenario {
    /** Fields written as JSON literals (booleans, numbers); every other value is a string. */
    private static final java.util.Set<String> LITERAL_FIELDS = java.util.Set.of("ok", "reboot_required", "rtt_ms", "loss_pct");

    private final List<String> lines = new ArrayList<>();
    private final List<String> feeds = new ArrayList<>();
    private boolean keepOrder;
    private RuleSet rules = RuleSet.defaults();
    private io.patchwatch.jobs.live.RuleVersions versions;
    private Inventory inventory = Inventory.empty();

    public static Scenario of(String compact) {
        Scenario s = new Scenario();
        for (String line : compact.strip().split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String feed = "scenario";
            int at = line.lastIndexOf(" @");
            if (at > 0 && !line.startsWith("{") && !line.startsWith("!")) {
                feed = line.substring(at + 2).strip();
                line = line.substring(0, at).strip();
            }
            s.feeds.add(feed);
            s.lines.add(line.startsWith("{") || line.startsWith("!") ? line.replaceFirst("^!", "") : toJson(line));
        }
        return s;
    }

    public Scenario keepOrder() {
        keepOrder = true;
        return this;
    }

    public Scenario rules(String yaml) {
        rules = RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), "test-rules.yaml");
        return this;
    }

    /** Replays with the rules versions a live job had: version 1 = the scenario's rules from the start, then {@code next}. */
    public Scenario versions(io.patchwatch.jobs.live.RuleVersion... next) {
        versions = new io.patchwatch.jobs.live.RuleVersions(rules);
        java.util.List<io.patchwatch.jobs.live.RuleVersion> all = new java.util.ArrayList<>();
        all.add(io.patchwatch.jobs.live.RuleVersion.of(1, 0, rules.sourceText(), "version 1"));
        all.addAll(java.util.List.of(next));
        for (io.patchwatch.jobs.live.RuleVersion v : all) {
            var offer = versions.offer(v);
            if (offer.outcome() != io.patchwatch.jobs.live.RuleVersions.Outcome.APPLIED) {
                throw new IllegalArgumentException(offer.reason());
            }
        }
        return this;
    }

    public Scenario inventory(Inventory inventory) {
        this.inventory = inventory;
        return this;
    }

    public Scenario raw(String line) {
        lines.add(line);
        feeds.add("scenario");
        return this;
    }

    public List<String> jsonLines() {
        return lines;
    }

    public Replay.Result replay() throws Exception {
        List<RawRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            records.add(new RawRecord(feeds.get(i) + ":" + (i + 1), lines.get(i).getBytes(StandardCharsets.UTF_8)));
        }
        JobSettings settings = JobSettings.replay(Long.MAX_VALUE).withOutOfOrderness(Duration.ofSeconds(5));
        return Replay.run(PatchwatchMiniCluster.environment(), records, keepOrder,
                new CanonicalJsonAdapter(), settings, versions != null ? versions : new io.patchwatch.jobs.live.RuleVersions(rules),
                inventory, null);
    }

    /** The alerts of a scenario that must have no bad input: a dead letter fails the test. */
    public List<Alert> alerts() throws Exception {
        Replay.Result result = replay();
        if (!result.deadLetters().isEmpty()) {
            throw new AssertionError("unexpected dead letters: " + result.deadLetters());
        }
        return result.alerts();
    }

    /** {@code 02:14:00 firing offline-after-patch SRV-01 [KB1]} (+ {@code service=X}), in replay order. */
    public static List<String> summary(List<Alert> alerts) {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            String ts = EventTimes.format(a.getTs());
            String day = ts.substring(0, 10).equals("2026-11-10") ? "" : "d" + (Integer.parseInt(ts.substring(8, 10)) - 9) + "/";
            out.add(day + ts.substring(11, 19) + " " + a.getStatus() + " " + a.getRule() + " " + a.getDevice()
                    + (a.getService() != null ? " service=" + a.getService() : "") + " " + a.getKbs());
        }
        return out;
    }

    public static long time(String t) {
        int day = 1;
        if (t.startsWith("d")) {
            day = Integer.parseInt(t.substring(1, t.indexOf('/')));
            t = t.substring(t.indexOf('/') + 1);
        }
        String hms = t.length() == 5 ? t + ":00" : t;
        return Instant.parse(Events.DAY + hms + "Z").plus(Duration.ofDays(day - 1)).toEpochMilli();
    }

    private static String toJson(String line) {
        String[] parts = line.split("\\s+");
        StringBuilder sb = new StringBuilder("{\"ts\":\"").append(EventTimes.format(time(parts[0]))).append('"');
        boolean tenant = false;
        sb.append(",\"device\":\"").append(parts[1]).append('"');
        sb.append(",\"kind\":\"").append(parts[2]).append('"');
        for (int i = 3; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            tenant |= kv[0].equals("tenant");
            String v = kv[1];
            boolean literal = LITERAL_FIELDS.contains(kv[0]);
            sb.append(",\"").append(kv[0]).append("\":").append(literal ? v : "\"" + v + "\"");
        }
        if (!tenant) {
            sb.append(",\"tenant\":\"acme\"");
        }
        return sb.append('}').toString();
    }
}
