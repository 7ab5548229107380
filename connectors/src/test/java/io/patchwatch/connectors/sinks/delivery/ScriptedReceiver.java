package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A receiver whose answers the test gives: each request is kept as a {@link Call} the test completes
 * when it wants, or, with {@link #answerAll}, is answered at once by a script.
 */
final class ScriptedReceiver implements AlertReceiver {
    record Call(Alert alert, boolean resend, CompletableFuture<DeliveryResult> answer) {
        String key() {
            return alert.getDedupKey();
        }

        void answer(DeliveryResult result) {
            answer.complete(result);
        }
    }

    final List<Call> calls = new ArrayList<>();
    private Function<Alert, DeliveryResult> script;
    boolean closed;

    /** Every later request is answered at once by {@code script}. */
    ScriptedReceiver answerAll(Function<Alert, DeliveryResult> script) {
        this.script = script;
        return this;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(Alert alert, boolean resend) {
        Call call = new Call(alert, resend, new CompletableFuture<>());
        calls.add(call);
        if (script != null) {
            call.answer(script.apply(alert));
        }
        return call.answer();
    }

    /** The requests not answered yet. */
    List<Call> open() {
        return calls.stream().filter(c -> !c.answer().isDone()).toList();
    }

    Call last() {
        return calls.get(calls.size() - 1);
    }

    @Override
    public void close() {
        closed = true;
    }
}
