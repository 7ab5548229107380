package io.patchwatch.jobs.ingest;

import io.patchwatch.schemas.DeviceEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import io.patchwatch.jobs.settings.JobSettings;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event-time watermarks for patchwatch.
 *
 * <ul>
 *   <li>Bounded out-of-orderness: the watermark trails the newest event by the bound.
 *   <li>Live: a wall-clock floor. When every feed goes quiet nothing advances an event-time
 *       watermark, so a device that went silent together with everything else would never be
 *       alerted on ({@code withIdleness} does not help: an idle input holds nothing back, but
 *       nothing moves forward either). An input idle for the idleness timeout keeps its watermark
 *       at least at {@code now - lag}: it neither holds the others back nor stops time.
 *   <li>Replay: a watermark after every event, so that a replay is deterministic (periodic emission
 *       depends on how fast the machine reads).
 * </ul>
 */
public final class EventTimeWatermarks {
    private EventTimeWatermarks() {}

    public static WatermarkStrategy<DeviceEvent> replay(Duration outOfOrderness) {
        return WatermarkStrategy.<DeviceEvent>forGenerator(ctx -> new Generator<>(outOfOrderness.toMillis(), -1, -1, null, true))
                .withTimestampAssigner((e, previous) -> e.getTs());
    }

    /**
     * The strategy the settings ask for, for any element type: live (wall-clock floor, idleness,
     * periodic) or event time only (a watermark after every element).
     */
    public static <T> WatermarkStrategy<T> of(JobSettings settings, SerializableTimestampAssigner<T> timestamps) {
        long bound = settings.outOfOrderness().toMillis();
        if (!settings.live()) {
            WatermarkStrategy<T> eventTimeOnly = WatermarkStrategy.<T>forGenerator(ctx -> new Generator<>(bound, -1, -1, null, true))
                    .withTimestampAssigner(timestamps);
            // Without the floor, an idle input (a partition nobody writes to) is marked idle so it
            // does not hold the others back; replay has one ordered input and no idleness.
            return settings.idleness() == null ? eventTimeOnly : eventTimeOnly.withIdleness(settings.idleness());
        }
        long lag = settings.wallClockFloorLag().toMillis();
        long idle = settings.idleness().toMillis();
        // Not withIdleness(): an input marked idle emits nothing, which would switch the floor off
        // exactly when every input is quiet. An idle input instead advances with the wall clock.
        return WatermarkStrategy.<T>forGenerator(ctx -> new Generator<>(bound, lag, idle, Clock.systemUTC(), false))
                .withTimestampAssigner(timestamps);
    }

    public static WatermarkStrategy<DeviceEvent> of(JobSettings settings) {
        return of(settings, (e, previous) -> e.getTs());
    }

    /**
     * Max event time minus the bound; live, an input idle for longer than the idleness timeout never
     * stays below the wall clock minus the floor lag.
     */
    static final class Generator<T> implements WatermarkGenerator<T> {
        private final long bound;
        private final long floorLag;
        private final long idleness;
        private final Clock clock;
        private final boolean perEvent;
        private long maxTs = Long.MIN_VALUE;
        private long emitted = Long.MIN_VALUE;
        private long lastEventWallTime;

        Generator(long bound, long floorLag, long idleness, Clock clock, boolean perEvent) {
            this.bound = bound;
            this.floorLag = floorLag;
            this.idleness = idleness;
            this.clock = clock;
            this.perEvent = perEvent;
            this.lastEventWallTime = clock == null ? 0 : clock.millis();
        }

        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
            if (eventTimestamp == Long.MIN_VALUE) {
                return; // a record without event time (it will be a dead letter)
            }
            maxTs = Math.max(maxTs, eventTimestamp);
            if (clock != null) {
                lastEventWallTime = clock.millis();
            }
            if (perEvent) {
                emit(output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            emit(output);
        }

        private void emit(WatermarkOutput output) {
            long wm = maxTs == Long.MIN_VALUE ? Long.MIN_VALUE : maxTs - bound - 1;
            if (clock != null && floorLag >= 0) {
                // An input quiet for longer than the idleness timeout follows the wall clock, the
                // floor lag behind it: the lag is how late a feed may deliver and still be on time.
                long now = clock.millis();
                if (idleness < 0 || now - lastEventWallTime >= idleness) {
                    wm = Math.max(wm, now - floorLag);
                }
            }
            if (wm > emitted) {
                emitted = wm;
                output.emitWatermark(new Watermark(wm));
            }
        }
    }
}
