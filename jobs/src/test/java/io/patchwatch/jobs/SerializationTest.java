package io.patchwatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.device.DeviceState;
import io.patchwatch.jobs.device.PatchSession;
import io.patchwatch.jobs.incident.Incident;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.adapters.RawRecordSerializer;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.schemas.DeviceEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every record the job moves or keeps is a POJO or Avro: nothing falls back to Kryo. */
class SerializationTest {

    @ParameterizedTest
    @ValueSource(classes = {DeviceFact.class, Trigger.class, Incident.class, DeviceState.class,
        PatchSession.class})
    void jobTypesArePojosWithoutGenericFields(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);

        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertThat(genericParts(info)).as("fields serialized by Kryo").isEmpty();
    }

    @Test
    void aRawRecordHasItsOwnSerializerWhichSharesItBetweenChainedOperatorsAndCarriesNoVerdictOverTheWire() throws Exception {
        var serializer = TypeInformation.of(RawRecord.class).createSerializer(new SerializerConfigImpl());
        RawRecord r = new RawRecord("topic/0/42", new byte[] {1, 2, 3}, 1234L);
        assertThat(serializer).isSameAs(RawRecordSerializer.INSTANCE);
        assertThat(serializer.copy(r)).isSameAs(r);
        var out = new org.apache.flink.core.memory.DataOutputSerializer(32);
        serializer.serialize(r, out);
        serializer.serialize(new RawRecord(null, null, Long.MIN_VALUE), out);
        var in = new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer());
        RawRecord back = serializer.deserialize(in);
        assertThat(back.origin).isEqualTo("topic/0/42");
        assertThat(back.payload).containsExactly(1, 2, 3);
        assertThat(back.timestamp).isEqualTo(1234L);
        RawRecord empty = serializer.deserialize(in);
        assertThat(empty.origin).isNull();
        assertThat(empty.payload).isNull();
    }

    @Test
    void avroRecordsUseTheAvroSerializer() {
        assertThat(TypeInformation.of(DeviceEvent.class)).isInstanceOf(AvroTypeInfo.class);
    }

    @Test
    void theIncidentKeepsItsAlertInAvro() {
        PojoTypeInfo<?> info = (PojoTypeInfo<?>) TypeInformation.of(Incident.class);

        assertThat(info.getTypeAt(info.getFieldIndex("alert"))).isInstanceOf(AvroTypeInfo.class);
        // And creating its serializer with generic types disabled does not throw.
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(info.createSerializer(config)).isNotNull();
    }

    private static List<String> genericParts(TypeInformation<?> info) {
        List<String> out = new ArrayList<>();
        if (info instanceof GenericTypeInfo<?>) {
            out.add(info.toString());
        } else if (info instanceof CompositeType<?> c && !(info instanceof AvroTypeInfo<?>)) {
            for (int i = 0; i < c.getArity(); i++) {
                out.addAll(genericParts(c.getTypeAt(i)));
            }
        }
        return out;
    }
}
