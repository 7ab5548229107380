package io.patchwatch.jobs.settings;

import io.patchwatch.connectors.adapters.AdapterSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the job treats time and input, read once and passed to {@link PatchwatchJob#defineWorkflow}.
 * Built with {@link #builder()} (live defaults: {@link TimeOptions}), or {@link #replay}.
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

    public static final Duration DEFAULT_OUT_OF_ORDERNESS = TimeOptions.OUT_OF_ORDERNESS.defaultValue();
    public static final Duration DEFAULT_IDLENESS = TimeOptions.IDLENESS.defaultValue();
    public static final Duration DEFAULT_FLOOR_LAG = TimeOptions.WALL_CLOCK_FLOOR.defaultValue();
    public static final Duration DEFAULT_MAX_FUTURE = TimeOptions.MAX_FUTURE.defaultValue();
    /**
     * Replay: a small cluster of events this far from the rest of a recording is a set of outliers
     * (a host whose clock was reset), not part of it.
     */
    public static final Duration RECORDING_OUTLIER_GAP = Duration.ofDays(7);
    public static final Duration DEFAULT_MAX_PAST = TimeOptions.MAX_PAST.defaultValue();
    public static final int DEFAULT_MAX_RECORD_BYTES = AdapterSettings.DEFAULT_MAX_RECORD_BYTES;
    public static final Duration DEFAULT_DEVICE_EXPIRY = TimeOptions.DEVICE_EXPIRY.defaultValue();

    public JobSettings {
        if (outOfOrderness == null || outOfOrderness.isNegative()) {
            throw new IllegalArgumentException("out_of_orderness must be zero or positive");
        }
        if (idleness != null && (idleness.isZero() || idleness.isNegative())) {
            throw new IllegalArgumentException("idleness must be positive");
        }
        if (maxFuture == null || maxPast == null || maxFuture.isNegative() || maxPast.isNegative()) {
            throw new IllegalArgumentException("max_future and max_past must be given, zero or positive");
        }
        if (maxRecordBytes < 1 || ingestParallelism < 1) {
            throw new IllegalArgumentException("max record bytes and parallelism must be at least 1");
        }
        if (deviceExpiry != null && (deviceExpiry.isZero() || deviceExpiry.isNegative())) {
            throw new IllegalArgumentException("device_expiry must be positive (or off)");
        }
    }

    /** A live job's settings, every value at its default until set. */
    public static Builder builder() {
        return new Builder();
    }

    /** Recorded events in event time: the clock stops at {@code clockStop}. */
    public static JobSettings replay(long clockStop) {
        return builder().idleness(null).wallClockFloorLag(null).clockStop(clockStop).build();
    }

    public Builder toBuilder() {
        return new Builder().outOfOrderness(outOfOrderness).idleness(idleness).wallClockFloorLag(wallClockFloorLag)
                .clockStop(clockStop).maxFuture(maxFuture).maxPast(maxPast).maxRecordBytes(maxRecordBytes)
                .ingestParallelism(ingestParallelism).deviceExpiry(deviceExpiry);
    }

    public JobSettings withOutOfOrderness(Duration d) {
        return toBuilder().outOfOrderness(d).build();
    }

    /**
     * A recording read as it streams: its reader times the events and finds the clock stop, which it
     * sends as its last watermark ({@link #CLOCK_STOP_AT_END}).
     */
    public JobSettings streamedRecording() {
        return toBuilder().idleness(null).wallClockFloorLag(null).clockStop(CLOCK_STOP_AT_END).ingestParallelism(1).build();
    }

    /** A bounded run over topics: event time only, the clock stopped, the configured parallelism kept. */
    public JobSettings bounded(long clockStop) {
        return toBuilder().wallClockFloorLag(null).clockStop(clockStop).build();
    }

    public boolean live() {
        return wallClockFloorLag != null;
    }

    /** Builds {@link JobSettings}; {@link #build()} checks the values (the record's constructor). */
    public static final class Builder {
        private Duration outOfOrderness = DEFAULT_OUT_OF_ORDERNESS;
        private Duration idleness = DEFAULT_IDLENESS;
        private Duration wallClockFloorLag = DEFAULT_FLOOR_LAG;
        private long clockStop = Long.MAX_VALUE;
        private Duration maxFuture = DEFAULT_MAX_FUTURE;
        private Duration maxPast = DEFAULT_MAX_PAST;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private int ingestParallelism = 1;
        private Duration deviceExpiry = DEFAULT_DEVICE_EXPIRY;

        private Builder() {}

        public Builder outOfOrderness(Duration d) {
            outOfOrderness = d;
            return this;
        }

        /** null: replay (no input goes idle). */
        public Builder idleness(Duration d) {
            idleness = d;
            return this;
        }

        /** null: event time only. */
        public Builder wallClockFloorLag(Duration d) {
            wallClockFloorLag = d;
            return this;
        }

        public Builder clockStop(long at) {
            clockStop = at;
            return this;
        }

        public Builder maxFuture(Duration d) {
            maxFuture = d;
            return this;
        }

        public Builder maxPast(Duration d) {
            maxPast = d;
            return this;
        }

        public Builder maxRecordBytes(int bytes) {
            maxRecordBytes = bytes;
            return this;
        }

        public Builder ingestParallelism(int n) {
            ingestParallelism = n;
            return this;
        }

        /** null: device state never expires. */
        public Builder deviceExpiry(Duration d) {
            deviceExpiry = d;
            return this;
        }

        public JobSettings build() {
            return new JobSettings(outOfOrderness, idleness, wallClockFloorLag, clockStop, maxFuture, maxPast, maxRecordBytes,
                    ingestParallelism, deviceExpiry);
        }
    }
}
