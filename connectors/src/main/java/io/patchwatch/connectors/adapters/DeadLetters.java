package io.patchwatch.connectors.adapters;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter} records. Everything in one is bounded (the payload copy, the sentence,
 * the field, the origin), so a dead letter stays far below a Kafka producer's 1 MiB request limit
 * whatever the record held: a dead letter that cannot be written would stop the job.
 */
public final class DeadLetters {

    /** The dead letter keeps at most this much of the original record. */
    public static final int MAX_PAYLOAD_COPY = 64 * 1024;

    private DeadLetters() {}

    public static DeadLetter of(
            DeadLetterReason reason, String field, String detail, String origin, byte[] payload, long now) {
        byte[] kept = payload.length <= MAX_PAYLOAD_COPY ? payload : Arrays.copyOf(payload, MAX_PAYLOAD_COPY);
        return DeadLetter.newBuilder()
                .setReason(reason.code())
                .setField(SafeText.forDisplay(field, 64))
                .setDetail(SafeText.forDisplay(detail == null ? reason.code() : detail, ValidatedAdapter.MAX_DETAIL_CHARS))
                .setOrigin(SafeText.forDisplay(origin == null ? "" : origin, 512))
                .setPayload(ByteBuffer.wrap(kept))
                .setPayloadSize(payload.length)
                .setReceivedAt(now)
                .build();
    }
}
