package io.patchwatch.jobs.status;

import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;

/**
 * An incident of one device opened, paged, held or closed, as the device's status takes it: from the
 * alerts noise control pages and the steps of the incidents it holds. A Flink POJO.
 */
public class IncidentChange {
    /** The device's key (tenant/device). */
    public String key;
    public String dedupKey;
    public String rule;
    /** When the incident fired (its {@code since}). */
    public long firedAt;
    /** When this change happened (event time). */
    public long ts;
    public boolean open;
    public boolean paged;
    public String heldBy;

    public IncidentChange() {}

    /** Whether an alert is about one device (site outages and silent feeds are not). */
    public static boolean aboutADevice(Alert a) {
        return !a.getDevice().startsWith("site:") && !a.getDevice().startsWith("feed:");
    }

    /** A paged alert: its firing opens the incident as paged, its resolve closes it. */
    public static IncidentChange of(Alert a) {
        IncidentChange c = new IncidentChange();
        c.key = DeviceKeys.key(a.getTenant(), a.getDevice());
        c.dedupKey = a.getDedupKey();
        c.rule = a.getRule();
        c.ts = a.getTs();
        c.firedAt = a.getTs();
        c.open = a.getStatus() == AlertStatus.firing;
        c.paged = true;
        c.heldBy = a.getContext() == null ? null : a.getContext().getHeldBy();
        return c;
    }

    /** A held incident's step: held opens it unpaged, closed closes it; paged comes as its alert too. */
    public static IncidentChange of(HeldIncident h) {
        IncidentChange c = new IncidentChange();
        c.key = DeviceKeys.key(h.tenant, h.device);
        c.dedupKey = h.dedupKey;
        c.rule = h.rule;
        c.ts = h.ts;
        c.firedAt = h.firedAt;
        c.open = h.step != HeldIncident.Step.closed;
        c.paged = h.step == HeldIncident.Step.paged;
        c.heldBy = h.heldBy;
        return c;
    }

    /** Whether a held step is about one device. */
    public static boolean aboutADevice(HeldIncident h) {
        return h.device != null && !h.device.startsWith("site:") && !h.device.startsWith("feed:");
    }
}
