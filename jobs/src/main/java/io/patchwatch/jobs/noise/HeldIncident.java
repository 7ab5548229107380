package io.patchwatch.jobs.noise;

/**
 * One step in the life of a held incident, for {@code replay --held-out}: it was held (by what), or
 * it ended, paged or closed (with the reason). A Flink POJO.
 */
public class HeldIncident {
    public enum Step { held, paged, closed }

    public Step step;
    /** When the step happened (event time). */
    public long ts;
    public String dedupKey;
    public String rule;
    public String tenant;
    public String site;
    public String device;
    public String service;
    /** When the incident fired. */
    public long firedAt;
    public String heldBy;
    /** The dedup key of the parent incident that holds it, if one does. */
    public String parent;
    /** A close's reason (healed_in_maintenance, explained_by_site_outage, ...). */
    public String reason;

    public HeldIncident() {}

    static HeldIncident of(Step step, long ts, Notice n, String reason) {
        HeldIncident h = new HeldIncident();
        h.step = step;
        h.ts = ts;
        h.dedupKey = n.id;
        h.rule = n.alert.getRule();
        h.tenant = n.alert.getTenant();
        h.site = n.alert.getSite();
        h.device = n.alert.getDevice();
        h.service = n.alert.getService();
        h.firedAt = n.alert.getTs();
        h.heldBy = n.heldBy;
        h.parent = n.parent;
        h.reason = reason;
        return h;
    }
}
