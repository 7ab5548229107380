package io.patchwatch.jobs.ingest;

import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.Refusal;
import io.patchwatch.jobs.settings.JobSettings;
import java.io.Serializable;

/**
 * Which event times the job accepts, checked in one place by both the watermark (at the source)
 * and {@link NormalizeEvents}, so that a record the job refuses can never move time:
 *
 * <ul>
 *   <li>Live and bounded runs: at most {@code time.max_future} ahead of the <b>wall clock</b> (a host
 *       with its clock in 2099, or six days ahead, is a dead letter and drags nothing); at most
 *       {@code time.max_past} behind the newest accepted event (live: or the wall clock).
 * </ul>
 *
 * A replay's reader applies the wall-clock limit itself, and refuses a recording's outliers as they
 * stream by (the replay's {@code RecordingRange}).
 */
public final class EventTimeLimits implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long maxFutureMs;
    private final long maxPastMs;
    private final boolean live;

    private EventTimeLimits(long maxFutureMs, long maxPastMs, boolean live) {
        this.maxFutureMs = maxFutureMs;
        this.maxPastMs = maxPastMs;
        this.live = live;
    }

    public static EventTimeLimits of(JobSettings s) {
        return new EventTimeLimits(s.maxFuture().toMillis(), s.maxPast().toMillis(), s.live());
    }

    /** True when an event at {@code ts} is too far ahead of the wall clock {@code now}. */
    public boolean tooFarAhead(long ts, long now) {
        return ts > saturatedAdd(now, maxFutureMs);
    }

    /**
     * @param newest the newest event accepted so far, or Long.MIN_VALUE
     * @return why an event at {@code ts} is refused, or null when it is accepted
     */
    public Refusal check(long ts, long newest, long now) {
        if (tooFarAhead(ts, now)) {
            return new Refusal(DeadLetterReason.TS_IN_FUTURE, "ts", "ts " + EventTimes.format(ts) + " is more than "
                    + maxFutureMs / 1000 + " s ahead of the wall clock (" + EventTimes.format(now) + ")");
        }
        long reference = live ? Math.max(newest, now) : newest;
        if (reference != Long.MIN_VALUE && ts < reference - maxPastMs) {
            return new Refusal(DeadLetterReason.TS_TOO_OLD, "ts", "ts " + EventTimes.format(ts) + " is more than "
                    + maxPastMs / 1000 + " s behind the newest event (" + EventTimes.format(reference) + ")");
        }
        return null;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
