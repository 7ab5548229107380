package io.patchwatch.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The progress line a replay shows on a terminal. */
class ReplayProgressTest {
    @Test
    void saysHowFarHowFastAndHowLongIsLeft() {
        ReplayProgress p = new ReplayProgress();
        p.events = 1_000_000;
        p.bytesRead = 25_000_000;
        p.totalBytes = 100_000_000;
        p.eventTime = Instant.parse("2026-11-10T03:00:00Z").toEpochMilli();

        String line = p.line(0, 10_000);

        assertThat(line).isEqualTo("replay: 1,000,000 events, 100,000 events/s, at 2026-11-10T03:00:00Z, 25 %, about 30 s left");
    }

    @Test
    void standardInputHasNoEstimate() {
        ReplayProgress p = new ReplayProgress();
        p.events = 500;

        assertThat(p.line(0, 1000)).isEqualTo("replay: 500 events, 500 events/s");
    }
}
