package io.patchwatch.benchmarks.fleet;

import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.schemas.DeviceEvent;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import io.patchwatch.jobs.settings.JobSettings;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The simulator as a parallel Flink source: record {@code i} is one event of one device, encoded as
 * an Avro single-object {@code DeviceEvent} (what the {@code avro} input format reads). The index
 * space is cut into one block per source reader, each block holding all minutes of its own devices
 * in time order, so every reader's events are in event-time order, as a Kafka partition's are.
 * {@link #WATERMARKS} is what a live job does at its Kafka source: bounded out-of-orderness (5 s),
 * watermarks emitted every 200 ms.
 */
public final class FleetGenerator implements GeneratorFunction<Long, RawRecord> {
    private static final long serialVersionUID = 1L;
    /** Wall time (ns) of the first record of the current run; runs in this JVM's mini cluster. */
    public static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();
    /** Records generated in the current run. */
    public static final AtomicLong GENERATED = new AtomicLong();

    public static final WatermarkStrategy<RawRecord> WATERMARKS = WatermarkStrategy
            .<RawRecord>forBoundedOutOfOrderness(JobSettings.DEFAULT_OUT_OF_ORDERNESS)
            .withTimestampAssigner((r, previous) -> r.timestamp);

    private final PatchTuesday scenario;
    private final int blocks;
    private transient DeviceEvent event;

    private FleetGenerator(PatchTuesday scenario, int blocks) {
        this.scenario = scenario;
        this.blocks = blocks;
    }

    /** The source: {@code blocks} must be the source's parallelism. */
    public static DataGeneratorSource<RawRecord> source(PatchTuesday scenario, int blocks) {
        if (scenario.devices() % blocks != 0) {
            throw new IllegalArgumentException("devices must divide into " + blocks + " blocks");
        }
        return new DataGeneratorSource<>(new FleetGenerator(scenario, blocks), scenario.events(),
                RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
    }

    public static void reset() {
        FIRST_RECORD_NANOS.set(0);
        GENERATED.set(0);
    }

    @Override
    public RawRecord map(Long index) throws Exception {
        if (GENERATED.getAndIncrement() == 0) {
            FIRST_RECORD_NANOS.compareAndSet(0, System.nanoTime());
        }
        long perBlockDevices = scenario.devices() / blocks;
        long perBlock = perBlockDevices * scenario.minutes();
        long block = index / perBlock;
        long rest = index % perBlock;
        int minute = (int) (rest / perBlockDevices);
        long j = rest % perBlockDevices;
        long device = block * perBlockDevices + j;
        long ts = PatchTuesday.BASE + minute * 60_000L + j * 60_000L / perBlockDevices;
        // The record timestamp carries the event time, as a Kafka record's would.
        return new RawRecord("sim", encode(device, minute, ts), ts);
    }

    private byte[] encode(long device, int minute, long ts) throws Exception {
        if (event == null) {
            event = new DeviceEvent();
        }
        DeviceEvent e = event;
        scenario.fill(e, device, minute, ts);
        ByteBuffer b = DeviceEvent.getEncoder().encode(e);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
