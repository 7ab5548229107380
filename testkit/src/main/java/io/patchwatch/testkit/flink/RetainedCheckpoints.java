package io.patchwatch.testkit.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The completed checkpoints a job retains under its checkpoint directory ({@code <root>/<job id>/chk-N}
 * with a {@code _metadata} file): the newest one to restore from, and a wait for further ones. A job
 * restored from a checkpoint goes on numbering after it, so the newest is the highest number under
 * the root, whichever job wrote it.
 *
 * <p>Waiting for checkpoints is how a test knows a transactional or checkpoint-gated output has
 * caught up: what the job decided before a checkpoint is committed (or released) once it completed.
 */
public final class RetainedCheckpoints {
    private RetainedCheckpoints() {}

    /** The newest completed checkpoint under {@code root}; an assertion error if there is none. */
    public static Path latest(Path root) {
        return newest(root).orElseThrow(() -> new AssertionError("no retained checkpoint under " + root));
    }

    /** Waits until {@code more} checkpoints completed after the newest one now under {@code root}. */
    public static void awaitMore(Path root, int more, Duration timeout) throws InterruptedException {
        int now = newest(root).map(RetainedCheckpoints::number).orElse(0);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (newest(root).map(RetainedCheckpoints::number).orElse(0) < now + more) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + more + " more checkpoints after chk-" + now + " under " + root
                        + " within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    private static Optional<Path> newest(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        // Flink deletes subsumed checkpoints while we list: a folder gone mid-walk is tried again.
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> walk = Files.walk(root, 2)) {
                return walk.filter(p -> p.getFileName().toString().startsWith("chk-") && Files.exists(p.resolve("_metadata")))
                        .max((a, b) -> Integer.compare(number(a), number(b)));
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 5) {
                    throw new IllegalStateException("cannot list the checkpoints under " + root, e);
                }
            }
        }
    }

    private static int number(Path checkpoint) {
        return Integer.parseInt(checkpoint.getFileName().toString().substring("chk-".length()));
    }
}
