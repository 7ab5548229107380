package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One alert on its way to one sink, and how its delivery has gone so far. Kept in the delivery
 * operator's checkpointed state as bytes (the alert in Avro single-object encoding), so pending
 * deliveries survive a restart.
 */
final class PendingDelivery {
    /** What a state entry holds: a delivery to make, or a firing alert kept for re-sending. */
    static final byte PENDING = 0;
    static final byte FIRING = 1;

    final Alert alert;
    final boolean resend;
    final long queuedAt;
    int attempts;
    boolean inFlight;
    int lastStatus;
    String lastError = "";

    PendingDelivery(Alert alert, boolean resend, long queuedAt, int attempts) {
        this.alert = alert;
        this.resend = resend;
        this.queuedAt = queuedAt;
        this.attempts = attempts;
    }

    String key() {
        return alert.getDedupKey();
    }

    static byte[] encode(byte kind, Alert alert, boolean resend, long queuedAt, int attempts) {
        try {
            ByteBuffer avro = alert.toByteBuffer();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(avro.remaining() + 16);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(kind);
            out.writeBoolean(resend);
            out.writeLong(queuedAt);
            out.writeInt(attempts);
            out.write(avro.array(), avro.arrayOffset() + avro.position(), avro.remaining());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] encode() {
        return encode(PENDING, alert, resend, queuedAt, attempts);
    }

    /** Entries as one byte array: a count, then each entry with its length. */
    static byte[] pack(List<byte[]> entries) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(entries.stream().mapToInt(e -> e.length + 4).sum() + 4);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(entries.size());
            for (byte[] e : entries) {
                out.writeInt(e.length);
                out.write(e);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<byte[]> unpack(byte[] blob) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
            int n = in.readInt();
            List<byte[]> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] e = new byte[in.readInt()];
                in.readFully(e);
                entries.add(e);
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("the pending deliveries in the checkpoint cannot be read", e);
        }
    }

    static byte kind(byte[] entry) {
        return entry[0];
    }

    static PendingDelivery decode(byte[] entry) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry));
            in.readByte();
            boolean resend = in.readBoolean();
            long queuedAt = in.readLong();
            int attempts = in.readInt();
            Alert alert = Alert.fromByteBuffer(ByteBuffer.wrap(entry, 14, entry.length - 14));
            return new PendingDelivery(alert, resend, queuedAt, attempts);
        } catch (IOException e) {
            throw new UncheckedIOException("a pending delivery in the checkpoint cannot be read", e);
        }
    }
}
