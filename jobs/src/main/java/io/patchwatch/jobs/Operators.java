package io.patchwatch.jobs;

/** uid and name of every operator: stable uids keep savepoints valid across refactoring. */
public final class Operators {
    public static final String NORMALIZE_UID = "normalize-events";
    public static final String NORMALIZE_NAME = "Normalize events";
    public static final String WATERMARKS_UID = "event-time";
    public static final String WATERMARKS_NAME = "Event time";
    public static final String TRACKER_UID = "device-tracker";
    public static final String TRACKER_NAME = "Device tracker";
    public static final String INCIDENTS_UID = "incidents";
    public static final String INCIDENTS_NAME = "Incidents";
    public static final String NOISE_UID = "noise-control";
    public static final String FEED_WATCH_UID = "feed-watch";
    public static final String FEED_WATCH_NAME = "Feed watch";
    public static final String NOISE_NAME = "Noise control";
    // The rules' CEP operators: RuleCompiler.uid, from the rule's id.

    private Operators() {}
}
