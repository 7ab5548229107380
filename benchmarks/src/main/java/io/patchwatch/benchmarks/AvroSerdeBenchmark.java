package io.patchwatch.benchmarks;

import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Avro on the hot path, per heartbeat: single-object encoding and decoding (the {@code avro} input
 * format, the alerts topic), and Flink's Avro serializer, which moves every event from the parser to
 * its device's subtask (keyBy) and in and out of RocksDB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx512m", "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.patchwatch",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class AvroSerdeBenchmark {
    private DeviceEvent event;
    private byte[] singleObject;
    private TypeSerializer<DeviceEvent> serializer;
    private DataOutputSerializer out;
    private DataInputDeserializer in;
    private byte[] flinkBytes;

    @Setup
    public void setUp() throws Exception {
        event = DeviceEvent.newBuilder().setTenant("acme").setSite("hq").setDevice("SRV-SQL-01")
                .setKind(EventKind.heartbeat).setTs(1_762_740_000_000L).setSource("rmm").build();
        ByteBuffer b = DeviceEvent.getEncoder().encode(event);
        singleObject = new byte[b.remaining()];
        b.get(singleObject);
        serializer = new AvroTypeInfo<>(DeviceEvent.class).createSerializer(new SerializerConfigImpl());
        out = new DataOutputSerializer(256);
        serializer.serialize(event, out);
        flinkBytes = out.getCopyOfBuffer();
        in = new DataInputDeserializer();
    }

    @Benchmark
    public ByteBuffer singleObjectEncode() throws Exception {
        return DeviceEvent.getEncoder().encode(event);
    }

    @Benchmark
    public DeviceEvent singleObjectDecode() throws Exception {
        return DeviceEvent.getDecoder().decode(singleObject);
    }

    @Benchmark
    public int flinkSerialize() throws Exception {
        out.clear();
        serializer.serialize(event, out);
        return out.length();
    }

    @Benchmark
    public DeviceEvent flinkDeserialize() throws Exception {
        in.setBuffer(flinkBytes);
        return serializer.deserialize(in);
    }
}
