package io.patchwatch.connectors.adapters;

import java.io.Serializable;

/**
 * Turns one raw input record (a line, a Kafka message) of one real-world format into canonical
 * {@link io.patchwatch.schemas.DeviceEvent}s.
 *
 * <p>An adapter never throws on bad input: whatever it cannot read goes to {@link
 * AdapterOutput#deadLetter} with a reason and the field at fault, so the job keeps running and
 * nothing is lost silently. One record may yield several events (a service inventory snapshot) or
 * none (an event ID the mapping does not use, reported through {@link AdapterOutput#skipped}).
 */
public interface EventAdapter extends Serializable {

    /** The name used in job.yaml and {@code patchwatch replay --format}. */
    String name();

    /** {@link #parse(byte[], String, long, AdapterOutput)} of a record without a timestamp of its own. */
    long NO_TIMESTAMP = Long.MIN_VALUE;

    /**
     * @param origin where the record came from (file:line, topic/partition/offset), for dead letters
     * @param recordTimestamp the time the transport gives the record (Kafka record time, file time),
     *     used by formats whose payload has no time of its own (raw ping output), or {@link
     *     #NO_TIMESTAMP}
     */
    void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out);
}
