package io.patchwatch.connectors.adapters;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of a {@link RawRecord}: its origin, bytes and transport time. A record is never
 * changed once made, so operators chained behind its source share it instead of copying it, and
 * with it its {@link RawRecord#verdict}: the record is parsed once, where its event time is read.
 * A record sent over the network carries no verdict and is parsed where it arrives.
 */
public final class RawRecordSerializer extends TypeSerializerSingleton<RawRecord> {
    private static final long serialVersionUID = 1L;
    public static final RawRecordSerializer INSTANCE = new RawRecordSerializer();

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public RawRecord createInstance() {
        return new RawRecord();
    }

    @Override
    public RawRecord copy(RawRecord from) {
        return from;
    }

    @Override
    public RawRecord copy(RawRecord from, RawRecord reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(RawRecord r, DataOutputView out) throws IOException {
        StringValue.writeString(r.origin, out);
        if (r.payload == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(r.payload.length);
            out.write(r.payload);
        }
        out.writeLong(r.timestamp);
    }

    @Override
    public RawRecord deserialize(DataInputView in) throws IOException {
        String origin = StringValue.readString(in);
        int length = in.readInt();
        byte[] payload = null;
        if (length >= 0) {
            payload = new byte[length];
            in.readFully(payload);
        }
        return new RawRecord(origin, payload, in.readLong());
    }

    @Override
    public RawRecord deserialize(RawRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public TypeSerializerSnapshot<RawRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** No configuration: every version reads every other's records. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<RawRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** {@code TypeInformation.of(RawRecord.class)}: this serializer. */
    public static final class Factory extends TypeInfoFactory<RawRecord> {
        @Override
        public TypeInformation<RawRecord> createTypeInfo(java.lang.reflect.Type t, Map<String, TypeInformation<?>> generics) {
            return new Info();
        }
    }

    static final class Info extends TypeInformation<RawRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isBasicType() {
            return false;
        }

        @Override
        public boolean isTupleType() {
            return false;
        }

        @Override
        public int getArity() {
            return 1;
        }

        @Override
        public int getTotalFields() {
            return 1;
        }

        @Override
        public Class<RawRecord> getTypeClass() {
            return RawRecord.class;
        }

        @Override
        public boolean isKeyType() {
            return false;
        }

        @Override
        public TypeSerializer<RawRecord> createSerializer(SerializerConfig config) {
            return INSTANCE;
        }

        @Override
        public String toString() {
            return "RawRecord";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Info;
        }

        @Override
        public int hashCode() {
            return RawRecord.class.hashCode();
        }

        @Override
        public boolean canEqual(Object o) {
            return o instanceof Info;
        }
    }
}
