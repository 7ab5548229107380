package io.patchwatch.connectors.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecordBase;

/** Avro single-object encoding (marker, schema fingerprint, binary record): patchwatch's wire form. */
public final class AvroSingleObject {
    private AvroSingleObject() {}

    public static byte[] encode(SpecificRecordBase record) {
        try {
            ByteBuffer b = (ByteBuffer) record.getClass().getMethod("toByteBuffer").invoke(record);
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated Avro class: " + record.getClass(), e);
        }
    }
}
