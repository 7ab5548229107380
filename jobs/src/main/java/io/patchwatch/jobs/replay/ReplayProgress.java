package io.patchwatch.jobs.replay;

import io.patchwatch.connectors.adapters.EventTimes;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far a replay has read, written by its reader and read by the CLI's progress line. Replay
 * always runs on the embedded cluster in the CLI's JVM, so the two meet here by the replay's id; a
 * reader without an id (tests) writes to a throw-away instance.
 */
public final class ReplayProgress {
    private static final Map<String, ReplayProgress> RUNNING = new ConcurrentHashMap<>();

    public volatile long records;
    public volatile long events;
    public volatile long bytesRead;
    /** Sum of the input files' sizes; -1 when unknown (standard input). */
    public volatile long totalBytes = -1;
    public volatile long eventTime = Long.MIN_VALUE;
    public volatile boolean finished;

    public static ReplayProgress register(String id) {
        ReplayProgress p = new ReplayProgress();
        RUNNING.put(id, p);
        return p;
    }

    public static void unregister(String id) {
        RUNNING.remove(id);
    }

    static ReplayProgress get(String id) {
        ReplayProgress p = id == null ? null : RUNNING.get(id);
        return p == null ? new ReplayProgress() : p;
    }

    /**
     * One progress line: events read, events/s, the event-time position and, when the size is
     * known, an estimate of the time left from the bytes read.
     */
    public String line(long startedAt, long now) {
        double seconds = Math.max(0.001, (now - startedAt) / 1000.0);
        long ev = events;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(java.util.Locale.ROOT, "replay: %,d events, %,.0f events/s", ev, ev / seconds));
        long t = eventTime;
        if (t != Long.MIN_VALUE) {
            sb.append(", at ").append(EventTimes.format(t));
        }
        long total = totalBytes;
        long read = bytesRead;
        if (total > 0 && read > 0) {
            sb.append(String.format(java.util.Locale.ROOT, ", %d %%", Math.min(100, read * 100 / total)));
            long left = (long) (seconds * (total - read) / read);
            sb.append(", about ").append(left).append(" s left");
        }
        return sb.toString();
    }

    /** Rewrites the terminal's current line. */
    public void print(PrintStream err, long startedAt) {
        err.print("\r" + line(startedAt, System.currentTimeMillis()) + "\u001b[K");
        err.flush();
    }
}
