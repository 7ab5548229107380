package io.patchwatch.jobs.rules;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The {@code noise:} section of a rules file (FLEET.md "Noise control"): how long offline-type
 * incidents wait before paging, how long to settle after a parent ends, when a feed is silent, when
 * a site is out, when an incident flaps, and which parents hold which rules.
 *
 * @param inhibits parent (a rule id, {@code site-outage} or {@code feed-silent}) to the rules it holds
 */
public record NoiseSettings(long groupWaitMs, long settleMs, long feedSilenceAfterMs, SiteOutage siteOutage,
                            Flapping flapping, Map<String, List<String>> inhibits) implements Serializable {

    public static final String SITE_OUTAGE = "site-outage";
    public static final String FEED_SILENT = "feed-silent";
    public static final String FLAPPING = "flapping";

    /** A site is out when max(minDevices, ⌈percent % of its monitored devices⌉) go silent within {@code withinMs}. */
    public record SiteOutage(int minDevices, double percent, long withinMs) implements Serializable {
        /** The number of silent devices that makes an outage of a site with {@code monitored} devices. */
        public int threshold(int monitored) {
            return Math.max(minDevices, (int) Math.ceil(percent * monitored / 100.0 - 1e-9));
        }
    }

    /** The {@code count}-th firing within {@code withinMs} flaps; it ends {@code quietMs} after the last resolve. */
    public record Flapping(int count, long withinMs, long quietMs) implements Serializable {}

    public static final NoiseSettings DEFAULTS = new NoiseSettings(
            30_000, 300_000, 300_000, new SiteOutage(5, 20, 300_000), new Flapping(3, 3_600_000, 1_800_000),
            Map.of(FEED_SILENT, List.of("offline-after-patch", "reboot-hang"),
                    SITE_OUTAGE, List.of("offline-after-patch", "reboot-hang"),
                    "offline-after-patch", List.of("reboot-hang", "service-down-after-reboot")));

    /** The parents that hold {@code rule}: site-outage, feed-silent, and device rules. */
    public List<String> parentsOf(String rule) {
        return inhibits.entrySet().stream().filter(e -> e.getValue().contains(rule)).map(Map.Entry::getKey).sorted().toList();
    }

    /** Offline-type: a rule a site outage or a feed silence holds; its firings wait group_wait. */
    public boolean offlineType(String rule) {
        return inhibits.getOrDefault(SITE_OUTAGE, List.of()).contains(rule)
                || inhibits.getOrDefault(FEED_SILENT, List.of()).contains(rule);
    }
}
