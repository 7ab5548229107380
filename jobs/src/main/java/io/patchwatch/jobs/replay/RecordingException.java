package io.patchwatch.jobs.replay;

/**
 * A recording that cannot be read on (a file missing, truncated or corrupt, a file out of time
 * order): the message is the one line the CLI prints before it exits with 2.
 */
public final class RecordingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecordingException(String message) {
        super(message);
    }
}
