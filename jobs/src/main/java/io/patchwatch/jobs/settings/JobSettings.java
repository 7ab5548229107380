package io.patchwatch.jobs.settings;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the job treats time and input, read once and passed to {@link PatchwatchJob#defineWorkflow}.
 *
 * @param outOfOrderness how late an event may arrive and still be decided in order
 * @param idleness after this long without events an input follows the wall clock (live only)
 * @param wallClockFloorLag live: the watermark never falls further behind the wall clock than this;
 *     null for replay (event time only)
 * @param clockStop replay: nothing fires or resolves after this time (the last input event)
 * @param maxFuture events further ahead of the wall clock are dead letters (a skewed host clock)
 * @param maxPast events further behind the newest event (live: or the wall clock) are dead letters
 * @param ingestParallelism parallelism of parsing and watermarking (1 in replay: deterministic)
 * @param deviceExpiry the state of a device that sent nothing for this long (processing time) is
 *     dropped: devices retired for good do not stay in state for ever; null keeps state for ever
 */
public record JobSettings(
        Duration outOfOrderness,
        Duration idleness,
        Duration wallClockFloorLag,
        long clockStop,
        Duration maxFuture,
        Duration maxPast,
        int maxRecordBytes,
        int ingestParallelism,
        Duration deviceExpiry)
        implements Serializable {

    /**
     * A clock stop known only at the end of the input: the last watermark before it (a recording
     * read as it streams, the replay's {@code RecordingReader}).
     */
    public static final long CLOCK_STOP_AT_END = io.patchwatch.jobs.incident.IncidentManager.CLOCK_STOP_AT_END;

    public static final Duration DEFAULT_OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLENESS = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FLOOR_LAG = Duration.ofMinutes(1);
    public static final Duration DEFAULT_MAX_FUTURE = Duration.ofMinutes(15);
    /**
     * Replay: a small cluster of events this far from the rest of a recording is a set of outliers
     * (a host whose clock was reset), not part of it.
     */
    public static final Duration RECORDING_OUTLIER_GAP = Duration.ofDays(7);
    public static final Duration DEFAULT_MAX_PAST = Duration.ofDays(7);
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_DEVICE_EXPIRY = io.patchwatch.jobs.device.DeviceTracker.DEFAULT_EXPIRY;

    /** Recorded events in event time: the clock stops at {@code clockStop}. */
    public static JobSettings replay(long clockStop) {
        return new JobSettings(DEFAULT_OUT_OF_ORDERNESS, null, null, clockStop,
                DEFAULT_MAX_FUTURE, DEFAULT_MAX_PAST, DEFAULT_MAX_RECORD_BYTES, 1,
                DEFAULT_DEVICE_EXPIRY);
    }

    public JobSettings withOutOfOrderness(Duration d) {
        return new JobSettings(d, idleness, wallClockFloorLag, clockStop, maxFuture, maxPast,
                maxRecordBytes, ingestParallelism, deviceExpiry);
    }

    /**
     * A recording read as it streams: its reader times the events and finds the clock stop, which it
     * sends as its last watermark ({@link #CLOCK_STOP_AT_END}).
     */
    public JobSettings streamedRecording() {
        return new JobSettings(outOfOrderness, null, null, CLOCK_STOP_AT_END, maxFuture, maxPast,
                maxRecordBytes, 1, deviceExpiry);
    }

    /** A bounded run over topics: event time only, the clock stopped, the configured parallelism kept. */
    public JobSettings bounded(long clockStop) {
        return new JobSettings(outOfOrderness, idleness, null, clockStop, maxFuture, maxPast,
                maxRecordBytes, ingestParallelism, deviceExpiry);
    }

    public boolean live() {
        return wallClockFloorLag != null;
    }
}
