package io.patchwatch.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.DeviceEvent;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class EventTimeWatermarksTest {
    private static final long BOUND = 5_000;
    private static final long FLOOR_LAG = 60_000;
    private static final long IDLENESS = 30_000;

    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            throw new AssertionError("an input must never go idle: the floor must keep moving");
        }

        @Override
        public void markActive() {}
    };

    @Test
    void trailsTheNewestEventByTheBound() {
        MutableClock clock = new MutableClock(1_000_000);
        var g = new EventTimeWatermarks.Generator<DeviceEvent>(BOUND, FLOOR_LAG, IDLENESS, clock, false);

        g.onEvent(event(), 990_000, output);
        g.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(990_000 - BOUND - 1);
    }

    @Test
    void whenEverythingIsQuietTheWallClockFloorStillMovesTheWatermark() {
        MutableClock clock = new MutableClock(1_000_000);
        var g = new EventTimeWatermarks.Generator<DeviceEvent>(BOUND, FLOOR_LAG, IDLENESS, clock, false);
        g.onEvent(event(), 999_000, output);

        clock.now = 1_010_000; // quiet for 10 s: not idle yet, the event watermark holds
        g.onPeriodicEmit(output);
        clock.now = 1_600_000; // quiet for 10 minutes: idle, follows the wall clock, the floor lag behind
        g.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(999_000 - BOUND - 1, 1_600_000 - FLOOR_LAG);
    }

    @Test
    void replayEmitsAfterEveryEventAndIgnoresTheWallClock() {
        var g = new EventTimeWatermarks.Generator<DeviceEvent>(BOUND, -1, -1, null, true);

        g.onEvent(event(), 10_000, output);
        g.onEvent(event(), 8_000, output);
        g.onEvent(event(), 20_000, output);
        g.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(10_000 - BOUND - 1, 20_000 - BOUND - 1);
    }

    private static DeviceEvent event() {
        return null; // the generator only looks at the timestamp it is given
    }

    private static final class MutableClock extends Clock {
        long now;

        MutableClock(long now) {
            this.now = now;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
