package io.patchwatch.jobs.incident;

import io.patchwatch.schemas.Alert;

/** One incident: a (rule, device, session[, service or update]) and its latest episode. A Flink POJO. */
public class Incident {
    public int episode;
    /** Firing and not yet resolved (rules that never resolve are never left firing). */
    public boolean firing;
    /** Time of the last trigger taken (detects duplicates of one-shot rules). */
    public long lastTriggerTs;
    /** Time of the last firing or resolve: the incident is forgotten a retention period after. */
    public long lastChange;
    /** The service or update the incident is about, as the rule's trigger named it (null: the device). */
    public String subject;
    /** The alert as it fired; the resolve repeats it with status resolved. */
    public Alert alert;

    public Incident() {}
}
