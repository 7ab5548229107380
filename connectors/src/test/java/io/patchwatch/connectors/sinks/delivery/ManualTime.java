package io.patchwatch.connectors.sinks.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Executor;

/**
 * A clock the test moves, the timers registered against it, and a mailbox: what Flink's processing
 * time service and task mailbox are to the delivery queue, on the test's thread. Answers go through
 * the mailbox (never run inside the call that sent the request), as Flink's mailbox does.
 */
final class ManualTime {
    private record Timer(long at, long order, Runnable action) {}

    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private final ArrayDeque<Runnable> mailbox = new ArrayDeque<>();
    private long now;
    private long registered;
    final List<Long> timerTimes = new ArrayList<>();

    ManualTime(long start) {
        this.now = start;
    }

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        timerTimes.add(time);
        timers.add(new Timer(time, registered++, action));
    }

    Executor mailbox() {
        return mailbox::add;
    }

    /** Runs what is in the mailbox, until it is empty. */
    void settle() {
        Runnable r;
        while ((r = mailbox.poll()) != null) {
            r.run();
        }
    }

    /** Moves the clock by {@code millis}, firing every timer due on the way, in order. */
    void advance(long millis) {
        long until = now + millis;
        settle();
        while (!timers.isEmpty() && timers.peek().at <= until) {
            Timer t = timers.poll();
            now = Math.max(now, t.at);
            t.action.run();
            settle();
        }
        now = until;
    }
}
