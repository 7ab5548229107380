package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.rules.MaintenanceWindow;
import io.patchwatch.jobs.rules.NoiseSettings;
import java.util.List;

/**
 * Decides what holds an incident at a time (FLEET.md "Noise control"), in this order: the
 * maintenance window it fired in (until its end + settle), the site outage that covers its device,
 * a parent incident of its own device (the device's offline holds its reboot-hang), and its rule's
 * hold_for. Each ends on its own; a parent's hold lasts until settle after the parent resolved.
 */
final class Holds {
    private Holds() {}

    /** The maintenance window occurrence a firing falls in and that holds its rule on its device, or null. */
    static MaintenanceWindow.Occurrence window(List<MaintenanceWindow> windows, String rule, boolean deviceRule, DeviceInfo device, long firedAt) {
        for (MaintenanceWindow w : windows) {
            if (w.holds(rule, deviceRule, device)) {
                MaintenanceWindow.Occurrence o = w.at(firedAt);
                if (o != null) {
                    return o;
                }
            }
        }
        return null;
    }

    /**
     * The silence of the feed the device was last heard through: it holds while it lasts (looked
     * at again every poll: the feed's return is known to every site only when it is asked) and
     * until settle after the feed delivers again.
     */
    private static Hold feedHold(Notice n, long t, NoiseSettings noise, SilentDevice silent, FeedSilences feeds) {
        String feed;
        long[] span;
        if (n.holdKind == Hold.Kind.FEED_SILENCE) {
            feed = n.heldBy.substring(NoiseSettings.FEED_SILENT.length() + 1);
            span = feeds.from(feed, Long.parseLong(n.parent.substring(n.parent.lastIndexOf('/') + 1)));
        } else {
            feed = silent == null ? null : silent.feed;
            span = feeds.at(feed, t);
        }
        if (span == null || (span[1] != FeedSilences.OPEN && t >= span[1] + noise.settleMs())) {
            return null;
        }
        long poll = Math.max(1_000, Math.min(60_000, noise.settleMs()));
        return new Hold(Hold.Kind.FEED_SILENCE, NoiseSettings.FEED_SILENT + "/" + feed, FeedWatch.parentKey(feed, span[0]),
                span[1] == FeedSilences.OPEN ? t + poll : span[1] + noise.settleMs());
    }

    /**
     * What holds notice {@code n} at {@code t}, or null: page it.
     *
     * @param site the device's site outage state (null: none)
     * @param silent the device's silence (null: not silent)
     */
    static Hold at(Notice n, long t, NoiseSettings noise, DeviceNotices device, SiteOutage site, SilentDevice silent,
                   FeedSilences feeds, long holdForMs) {
        String rule = n.alert.getRule();
        if (n.maintenance != null && t < n.maintenanceDecideAt) {
            return new Hold(Hold.Kind.MAINTENANCE, "maintenance/" + n.maintenance, null, n.maintenanceDecideAt);
        }
        if (noise.inhibits().getOrDefault(NoiseSettings.FEED_SILENT, List.of()).contains(rule)) {
            Hold h = feedHold(n, t, noise, silent, feeds);
            if (h != null) {
                return h;
            }
        }
        if (site != null && site.alert != null && noise.inhibits().getOrDefault(NoiseSettings.SITE_OUTAGE, List.of()).contains(rule)) {
            String outage = site.alert.getDedupKey();
            boolean heldBefore = outage.equals(n.parent) && n.holdKind == Hold.Kind.SITE_OUTAGE;
            boolean covered = site.active && silent != null && silent.covered;
            if ((heldBefore || covered) && (site.active || t < site.resolvedAt + noise.settleMs())) {
                return new Hold(Hold.Kind.SITE_OUTAGE, NoiseSettings.SITE_OUTAGE + "/" + site.alert.getDevice(), outage,
                        site.active ? Notice.NONE : site.resolvedAt + noise.settleMs());
            }
        }
        for (String parentRule : noise.parentsOf(rule)) {
            for (Notice p : device.notices) {
                if (p != n && p.alert.getRule().equals(parentRule) && p.alert.getTs() <= t
                        && (p.firing || t < p.resolvedAt + noise.settleMs())) {
                    return new Hold(Hold.Kind.PARENT, parentRule, p.id, p.firing ? Notice.NONE : p.resolvedAt + noise.settleMs());
                }
            }
        }
        long firedAt = n.alert.getTs();
        if (holdForMs > 0 && t < firedAt + holdForMs) {
            return new Hold(Hold.Kind.HOLD_FOR, "hold_for", null, firedAt + holdForMs);
        }
        return null;
    }
}
