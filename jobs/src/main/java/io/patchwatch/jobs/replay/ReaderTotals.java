package io.patchwatch.jobs.replay;

/**
 * What the recording's reader made of its input, sent once at its end behind the last event: the
 * accounting the CLI prints (accepted + skipped + dead letters = records) and the clock stop.
 * A Flink POJO (public fields, no-argument constructor).
 */
public class ReaderTotals {
    public long records;
    public long accepted;
    public long skipped;
    public long deadLetters;
    /** Records after {@code --to}, not replayed. */
    public long afterRange;
    /** The newest accepted event (Long.MIN_VALUE when none): nothing fires or resolves after it. */
    public long clockStop = Long.MIN_VALUE;
    public long events;
    public long bytesRead;
    /**
     * Why the reader stopped before the end of its input (a file truncated or corrupt, or out of
     * time order), or null: the replay then ends there, its alerts up to that point kept.
     */
    public String failure;

    public ReaderTotals() {}
}
