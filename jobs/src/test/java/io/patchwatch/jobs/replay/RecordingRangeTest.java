package io.patchwatch.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.JobSettings;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which event times a replay accepts: quiet weeks are fine, lone clocks in 2099 or 1970 are not. */
class RecordingRangeTest {
    private static final JobSettings SETTINGS = JobSettings.replay(Long.MAX_VALUE);
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = Instant.parse("2017-07-12T00:00:00Z").toEpochMilli();

    @Test
    void aRecordingWithQuietWeeksIsAcceptedWhole() {
        long[] times = new long[100];
        for (int i = 0; i < 100; i++) {
            times[i] = T0 + (i < 50 ? i * 1000L : 49 * DAY + i * 1000L); // a 49-day gap in the middle
        }
        times[99] = T0 + 120 * DAY; // and a last event after two more months
        times[98] = T0 + 119 * DAY;
        times[97] = T0 + 119 * DAY + 1;
        times[96] = T0 + 118 * DAY;

        long[] range = Replay.acceptedRange(times, SETTINGS);

        assertThat(range).containsExactly(T0, T0 + 120 * DAY);
    }

    @Test
    void aLoneEventFarAheadOrBehindIsAnOutlier() {
        long[] times = {T0, T0 + 1000, T0 + 2000, T0 + 3000, Instant.parse("2099-01-01T00:00:00Z").toEpochMilli(), 0};

        long[] range = Replay.acceptedRange(times, SETTINGS);

        assertThat(range).containsExactly(T0, T0 + 3000);
    }

    @Test
    void twoEventsFarApartAreBothAccepted() {
        assertThat(Replay.acceptedRange(new long[] {T0, T0 + 30 * DAY}, SETTINGS)).containsExactly(T0, T0 + 30 * DAY);
    }

    @Test
    void unparseableRecordsDoNotCount() {
        assertThat(Replay.acceptedRange(new long[] {Long.MIN_VALUE, T0, Long.MIN_VALUE}, SETTINGS)).containsExactly(T0, T0);
    }
}
