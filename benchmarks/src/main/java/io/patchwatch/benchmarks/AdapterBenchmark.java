package io.patchwatch.benchmarks;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.schemas.DeviceEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Records per second one thread parses, per input format, on the real Windows sample (its 1,881
 * events as XML, and the same events as Winlogbeat JSON) and on canonical JSON lines. One
 * operation = one record; about 1/3 of the Windows records map to events, the rest are skipped.
 * {@code validation}: {@code shared} is what the job runs (the format's parser inside {@link
 * io.patchwatch.connectors.adapters.ValidatedAdapter}), {@code none} the parser alone, so one run
 * shows what the shared validation costs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgs = {"-Xmx512m"})
public class AdapterBenchmark {

    @Param({"windows-xml", "winlogbeat", "canonical-json"})
    public String format;

    @Param({"shared", "none"})
    public String validation;

    private EventAdapter adapter;
    private List<byte[]> records;
    private int next;
    private Sink sink;

    @Setup
    public void setUp() {
        adapter = validation.equals("shared")
                ? Adapters.create(format, AdapterSettings.defaults())
                : Adapters.withoutValidation(format, AdapterSettings.defaults());
        records = BenchmarkInputs.records(format);
        sink = new Sink();
    }

    @Benchmark
    public void parse(Blackhole bh) {
        sink.bh = bh;
        byte[] r = records.get(next);
        next = next + 1 == records.size() ? 0 : next + 1;
        adapter.parse(r, "bench", EventAdapter.NO_TIMESTAMP, sink);
    }

    private static final class Sink implements AdapterOutput {
        Blackhole bh;

        @Override
        public void event(DeviceEvent event) {
            bh.consume(event);
        }

        @Override
        public void deadLetter(DeadLetterReason reason, String field, String detail) {
            throw new IllegalStateException("benchmark input must be valid: " + detail);
        }
    }
}
