package io.patchwatch.testkit;

/**
 * A server the testkit started, as a child process or as a container: what its server class needs to
 * wait for it and to stop it, whichever way it runs.
 */
public interface RunningServer extends AutoCloseable {

    /** False once the process exited or the container stopped. */
    boolean isAlive();

    /** How it ended, for an error message: an exit code. */
    String exitDescription();

    /** Stops it (SIGTERM, then SIGKILL after a grace period) and, for a container, removes it. */
    @Override
    void close();

    /** SIGKILL at once, no shutdown hook (a crash); a container is removed afterwards. */
    void kill();

    /** The process id on this host; -1 for a container. */
    default long pid() {
        return -1;
    }
}
