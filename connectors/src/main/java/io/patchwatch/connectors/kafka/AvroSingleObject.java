package io.patchwatch.connectors.kafka;

import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.specific.SpecificRecordBase;

/** Avro single-object encoding (marker, schema fingerprint, binary record): patchwatch's wire form. */
public final class AvroSingleObject {
    private AvroSingleObject() {}

    /**
     * A decoder of the current schema that also reads every released version of it (their schemas
     * are on the classpath, {@code io/patchwatch/schemas/released/NAME/v1.avsc}, v2...): a record
     * written by an older producer is still understood.
     */
    public static <T> BinaryMessageDecoder<T> decoderOfEveryRelease(BinaryMessageDecoder<T> current, String name) {
        for (int v = 1; ; v++) {
            String path = "/io/patchwatch/schemas/released/" + name + "/v" + v + ".avsc";
            try (InputStream in = AvroSingleObject.class.getResourceAsStream(path)) {
                if (in == null) {
                    if (v == 1) {
                        throw new IllegalStateException("no released " + name + " schema on the classpath (" + path + ")");
                    }
                    return current;
                }
                current.addSchema(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

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
