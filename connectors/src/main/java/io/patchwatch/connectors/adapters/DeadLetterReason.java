package io.patchwatch.connectors.adapters;

/** Why a record became a dead letter. The lower-case name is the metric label and the wire value. */
public enum DeadLetterReason {
    /** Empty record. */
    EMPTY,
    /** Larger than the configured maximum record size. */
    TOO_LARGE,
    /** Not valid JSON / XML / Avro at all. */
    MALFORMED,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (a string where a boolean belongs, ...). */
    WRONG_TYPE,
    /** A field has the right type but a value outside what it allows (unknown kind, bad ts). */
    INVALID_VALUE,
    /** The event's time is too far ahead of the newest event seen. */
    TS_IN_FUTURE,
    /** The event's time is too far behind the newest event seen. */
    TS_TOO_OLD,
    /** The adapter failed on this record (a bug): the record is kept, the job goes on. */
    ADAPTER_FAILURE;

    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
