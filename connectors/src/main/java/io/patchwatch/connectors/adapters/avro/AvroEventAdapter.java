package io.patchwatch.connectors.adapters.avro;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.RecordAdapter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.MissingSchemaException;

/**
 * Canonical events as Avro binary with single-object encoding (the 2-byte marker, the schema's
 * 64-bit fingerprint, then the record), the wire form of patchwatch's Avro topics: consumers resolve
 * the writer's schema from the fingerprint without a schema registry.
 */
public final class AvroEventAdapter extends RecordAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "avro";

    public AvroEventAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out) {
        DeviceEvent e;
        try {
            e = DeviceEvent.getDecoder().decode(ByteBuffer.wrap(payload));
        } catch (BadHeaderException | MissingSchemaException ex) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not a single-object encoded DeviceEvent: " + ex.getMessage());
            return;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException ex) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "truncated or corrupt Avro DeviceEvent: " + ex.getClass().getSimpleName());
            return;
        }
        if (e.getKind() == EventKind.unknown) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "kind", "the writer's kind is unknown to this version");
        } else if (e.getDevice() == null || e.getDevice().isBlank()) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "device", "field 'device' is blank");
        } else {
            out.event(e);
        }
    }
}
