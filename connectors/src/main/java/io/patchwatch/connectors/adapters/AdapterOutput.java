package io.patchwatch.connectors.adapters;

import io.patchwatch.schemas.DeviceEvent;

/** Where an {@link EventAdapter} hands what it made of one record. */
public interface AdapterOutput {

    void event(DeviceEvent event);

    /**
     * The record (or part of it) cannot be used.
     *
     * @param reason a stable reason code, used as the metric label and in the dead letter
     * @param field the offending field, or null when the record as a whole is bad
     * @param detail one sentence for a person
     */
    void deadLetter(DeadLetterReason reason, String field, String detail);

    /** The record is valid but carries nothing patchwatch uses (counted, not an error). */
    default void skipped(String why) {}
}
