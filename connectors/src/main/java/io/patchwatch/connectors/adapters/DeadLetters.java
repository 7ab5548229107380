package io.patchwatch.connectors.adapters;

import io.patchwatch.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds {@link DeadLetter} records; keeps a bounded copy of the payload so a 5 MiB record stays cheap. */
public final class DeadLetters {

    /** The dead letter keeps at most this much of the original record. */
    public static final int MAX_PAYLOAD_COPY = 64 * 1024;

    private DeadLetters() {}

    public static DeadLetter of(
            DeadLetterReason reason, String field, String detail, String origin, byte[] payload, long now) {
        byte[] kept = payload.length <= MAX_PAYLOAD_COPY ? payload : Arrays.copyOf(payload, MAX_PAYLOAD_COPY);
        return DeadLetter.newBuilder()
                .setReason(reason.code())
                .setField(field)
                .setDetail(detail)
                .setOrigin(origin)
                .setPayload(ByteBuffer.wrap(kept))
                .setPayloadSize(payload.length)
                .setReceivedAt(now)
                .build();
    }
}
