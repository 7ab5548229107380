package io.patchwatch.connectors.adapters;

/** Why a record is refused: the dead letter's reason, field and sentence. */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    private final DeadLetterReason reason;
    private final String field;

    public Refusal(DeadLetterReason reason, String field, String detail) {
        super(detail, null, false, false); // no stack trace: a refusal is an answer, not a failure
        this.reason = reason;
        this.field = field;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    public String field() {
        return field;
    }
}
