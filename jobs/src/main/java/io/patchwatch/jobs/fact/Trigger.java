package io.patchwatch.jobs.fact;

/**
 * A rule's verdict that an incident should fire at {@link #ts}: which pattern matched, and the fact
 * whose context the alert tells (the start of an absence, else the last matched fact). The incidents
 * decide whether it is new (a new episode) or already firing (a repeat). A Flink POJO.
 */
public class Trigger {
    public PatternRef pattern;
    public long ts;
    /** The context the alert is built from; for an incident about one update, it names that update. */
    public DeviceFact fact;
    /** The service or update the incident is about (rules with subject service / update), else null. */
    public String subject;
    /** The window of the step that fired (the absence's, or the last step's), for {window}. */
    public long windowMs;
    /** The rules version the decision was taken under (0: the job's file, nothing published). */
    public int rulesVersion;

    public Trigger() {}

    public Trigger(PatternRef pattern, long ts, DeviceFact fact) {
        this.pattern = pattern;
        this.ts = ts;
        this.fact = fact;
    }

    /** The rule that fired. */
    public String rule() {
        return pattern.rule;
    }

    /** The device's key ({@code tenant/device}). */
    public String key() {
        return fact.key;
    }

    @Override
    public String toString() {
        return pattern + "@" + ts + " " + fact.key + (subject != null ? " " + subject : "");
    }
}
