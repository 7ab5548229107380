package io.patchwatch.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.settings.JobSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which event times a replay accepts, decided as the records stream by in time order: quiet weeks
 * are fine, a few records far before or after the rest (a host whose clock was reset) are not.
 */
class RecordingRangeTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long T0 = Instant.parse("2017-07-12T00:00:00Z").toEpochMilli();

    @Test
    void aRecordingWithQuietWeeksIsAcceptedWhole() {
        long[] times = new long[100];
        for (int i = 0; i < 100; i++) {
            times[i] = T0 + (i < 50 ? i * 1000L : 49 * DAY + i * 1000L); // a 49-day gap in the middle
        }
        times[96] = T0 + 118 * DAY; // and the last events after two more months
        times[97] = T0 + 119 * DAY;
        times[98] = T0 + 119 * DAY + 1;
        times[99] = T0 + 120 * DAY;

        Outcome o = stream(times);

        assertThat(o.refused).isEmpty();
        assertThat(o.clockStop).isEqualTo(T0 + 120 * DAY);
    }

    @Test
    void aFewRecordsFarAheadOrBehindAreOutliers() {
        long far = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
        long[] times = {Instant.parse("2003-01-01T00:00:00Z").toEpochMilli(), T0, T0 + 1000, T0 + 2000, T0 + 3000, T0 + 4000,
                T0 + 5000, T0 + 6000, far, far + 1};

        Outcome o = stream(times);

        assertThat(o.refused).containsExactly(times[0], far, far + 1);
        assertThat(o.clockStop).isEqualTo(T0 + 6000);
    }

    @Test
    void aClusterTooLargeToBeOutliersBelongsToTheRecording() {
        long[] times = new long[12];
        for (int i = 0; i < 12; i++) {
            times[i] = i < 7 ? T0 + i : T0 + 30 * DAY + i; // five records after the gap: more than 3
        }

        Outcome o = stream(times);

        assertThat(o.refused).isEmpty();
        assertThat(o.clockStop).isEqualTo(T0 + 30 * DAY + 11);
    }

    @Test
    void twoRecordsFarApartAreBothAccepted() {
        Outcome o = stream(new long[] {T0, T0 + 30 * DAY});

        assertThat(o.refused).isEmpty();
        assertThat(o.clockStop).isEqualTo(T0 + 30 * DAY);
    }

    private record Outcome(List<Long> refused, long clockStop) {}

    private static Outcome stream(long[] times) {
        RecordingRange range = new RecordingRange(JobSettings.RECORDING_OUTLIER_GAP.toMillis(), JobSettings.DEFAULT_MAX_PAST.toMillis(), true);
        List<RecordingReader.Parsed> out = new ArrayList<>();
        long seq = 0;
        for (long t : Arrays.stream(times).sorted().toArray()) {
            out.addAll(range.offer(new RecordingReader.Parsed(new RawRecord("t", new byte[0]), List.of(), t, t, seq++)));
        }
        out.addAll(range.finish());
        assertThat(out).hasSize(times.length);
        List<Long> refused = out.stream().filter(p -> p.refusal != null).map(p -> p.earliest).toList();
        long newest = out.stream().filter(p -> p.refusal == null).mapToLong(p -> p.latest).max().orElse(Long.MIN_VALUE);
        return new Outcome(refused, range.clockStop(newest));
    }
}
