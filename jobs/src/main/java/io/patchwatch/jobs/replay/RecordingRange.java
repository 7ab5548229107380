package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventTimes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The range of event times of a recording without its outliers, decided as the records stream by in
 * time order: a small cluster of records (at most 3, or 0.1 % of the recording, and fewer than the
 * rest) separated from the rest by more than the outlier gap at the top, or by more than {@code
 * time.max_past} at the start, is refused (a host with its clock reset); quiet weeks inside a
 * recording are fine. The top of what is accepted is the clock stop.
 *
 * <p>Only what may still turn out to be outliers is held back, in bounded memory: the first records
 * (until {@value #HEAD} have been seen) and the records after a gap at the top (at most 3, or 0.1 %
 * of the records so far). A held cluster that grows past that is part of the recording after all.
 */
final class RecordingRange {
    /** Records held at the start: enough to tell up to 3 outliers from the rest. */
    static final int HEAD = 7;
    private static final int MIN_CLUSTER = 3;

    private final long gapMs;
    private final long maxPastMs;
    private final boolean enabled;
    private final List<RecordingReader.Parsed> head = new ArrayList<>();
    private final ArrayDeque<RecordingReader.Parsed> tail = new ArrayDeque<>();
    private boolean headPhase = true;
    /** Index in {@link #tail} of the last record that came after a gap. */
    private int lastGapInTail;
    private long previousLatest = Long.MIN_VALUE;
    private long released;
    private long newestReleased = Long.MIN_VALUE;
    private long end = Long.MIN_VALUE;

    RecordingRange(long gapMs, long maxPastMs, boolean enabled) {
        this.gapMs = gapMs;
        this.maxPastMs = maxPastMs;
        this.enabled = enabled;
    }

    /** The next record in time order; returns the records that are now known to be in the range. */
    List<RecordingReader.Parsed> offer(RecordingReader.Parsed p) {
        if (!enabled) {
            return List.of(p);
        }
        if (headPhase) {
            head.add(p);
            return head.size() < HEAD ? List.of() : resolveHead();
        }
        List<RecordingReader.Parsed> out = new ArrayList<>(1);
        top(p, out);
        return out;
    }

    /** The input ended: what was held at the start is decided, a held cluster at the top is refused. */
    List<RecordingReader.Parsed> finish() {
        List<RecordingReader.Parsed> out = new ArrayList<>();
        if (headPhase) {
            out.addAll(resolveHead());
        }
        for (RecordingReader.Parsed p : tail) {
            p.refuse(DeadLetterReason.TS_IN_FUTURE, "ts " + EventTimes.format(p.latest)
                    + " is far ahead of the rest of the recording (which ends " + EventTimes.format(newestReleased) + ")");
            out.add(p);
        }
        tail.clear();
        return out;
    }

    /** Reading stopped at {@code --to}: the clock ran until then. */
    void reachedEnd(long to) {
        end = to;
    }

    long clockStop(long newestAccepted) {
        return end != Long.MIN_VALUE && newestAccepted != Long.MIN_VALUE ? Math.max(newestAccepted, end) : newestAccepted;
    }

    private List<RecordingReader.Parsed> resolveHead() {
        headPhase = false;
        int n = head.size();
        int bottom = 0;
        for (int i = 0; i + 1 < n && i + 1 <= MIN_CLUSTER; i++) {
            if (head.get(i + 1).earliest - head.get(i).earliest > maxPastMs && i + 1 < n - i - 1) {
                bottom = i + 1;
            }
        }
        List<RecordingReader.Parsed> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RecordingReader.Parsed p = head.get(i);
            if (i < bottom) {
                p.refuse(DeadLetterReason.TS_TOO_OLD, "ts " + EventTimes.format(p.earliest)
                        + " is far before the rest of the recording (which starts " + EventTimes.format(head.get(bottom).earliest) + ")");
                out.add(p);
            } else {
                top(p, out);
            }
        }
        head.clear();
        return out;
    }

    private void top(RecordingReader.Parsed p, List<RecordingReader.Parsed> out) {
        boolean gap = previousLatest != Long.MIN_VALUE && p.latest - previousLatest > gapMs;
        previousLatest = Math.max(previousLatest, p.latest);
        if (tail.isEmpty() && !gap) {
            release(p, out);
            return;
        }
        if (gap) {
            lastGapInTail = tail.size();
        }
        tail.add(p);
        long limit = Math.max(MIN_CLUSTER, (released + tail.size()) / 1000);
        if (tail.size() > limit || tail.size() >= released) {
            // Too many to be outliers: the part before the last gap belongs to the recording.
            int keep = tail.size() - lastGapInTail;
            if (lastGapInTail == 0 || keep > limit || keep >= released) {
                keep = 0;
            }
            while (tail.size() > keep) {
                release(tail.poll(), out);
            }
            lastGapInTail = 0;
        }
    }

    private void release(RecordingReader.Parsed p, List<RecordingReader.Parsed> out) {
        released++;
        newestReleased = Math.max(newestReleased, p.latest);
        out.add(p);
    }
}
