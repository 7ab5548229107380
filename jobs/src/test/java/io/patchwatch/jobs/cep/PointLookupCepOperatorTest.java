package io.patchwatch.jobs.cep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink's CEP operator with point-lookup bookkeeping matches exactly as the stock one, on both
 * backends and across a snapshot, leaves no state behind, and pins what of Flink it relies on.
 */
class PointLookupCepOperatorTest {

    @TempDir
    java.nio.file.Path rocksDir;

    @Test
    void flinkCepStillNamesItsStateAndBuildsItsOperatorAsThisOperatorRelieson() throws Exception {
        // A new Flink minor may rename or rebuild these: then this test, not a production job, fails.
        assertThat(EnvironmentInformation.getVersion()).as("the Flink minor version the CEP operator was read in").startsWith("2.2.");
        assertThat(privateStatic(CepOperator.class, "EVENT_QUEUE_STATE_NAME")).isEqualTo(PointLookupCepOperator.ELEMENT_QUEUE);
        assertThat(privateStatic(SharedBuffer.class, "EVENTS_COUNT_STATE_NAME")).isEqualTo(PointLookupCepOperator.EVENTS_COUNT);
        assertThat(CepOperator.class.getConstructor(TypeSerializer.class, boolean.class, NFACompiler.NFAFactory.class,
                EventComparator.class, AfterMatchSkipStrategy.class, PatternProcessFunction.class, OutputTag.class)).isNotNull();
    }

    @Test
    void matchesAsStockCepOnTheHeapAndOnRocksDbAcrossASnapshotAndLeavesNoQueueOrCounterBehind() throws Exception {
        List<StreamRecord<String>> input = randomNight(new Random(42), 20, 3_000);
        for (StateBackend backend : List.of(new HashMapStateBackend(), rocksDb())) {
            List<String> stock = run(input, stock(), backend);
            List<String> pointLookup = run(input, pointLookup(), backend);
            assertThat(stock).as("the scenario matches something, so equality means something").hasSizeGreaterThan(100);
            assertThat(pointLookup).as("matches on " + backend.getClass().getSimpleName()).isEqualTo(stock);
        }
    }

    @Test
    void aCepStateFlinkNoLongerAsksForStopsTheOperatorAtStartInsteadOfScanningSilently() throws Exception {
        var renamed = new PointLookupCepOperator<String, String, String>(StringSerializer.INSTANCE, NFACompiler.compileFactory(pattern(), false),
                pattern(), new Matches(), java.util.Set.of(PointLookupCepOperator.EVENTS_COUNT, "eventQueuesStateNameV3"));
        try (var h = harness(renamed, new HashMapStateBackend())) {
            assertThatThrownBy(h::open).hasMessageContaining("eventQueuesStateNameV3").hasMessageContaining("Flink 2.2");
        }
        try (var h = harness(pointLookup().get(), new HashMapStateBackend())) {
            h.open(); // the control: Flink 2.2's names
        }
        assertThat(PointLookupCepOperator.uid("rule-x-1a2b")).isEqualTo("rule-x-1a2b-cep2");
        assertThat(PointLookupCepOperator.uidOfLayout("rule-x-1a2b", 1)).isEqualTo("rule-x-1a2b");
    }

    private StateBackend rocksDb() {
        EmbeddedRocksDBStateBackend rocks = new EmbeddedRocksDBStateBackend();
        rocks.setDbStoragePath(rocksDir.toString());
        return rocks;
    }

    /** Runs the input in two halves, the second from a snapshot of the first: the matches, in order. */
    private static List<String> run(List<StreamRecord<String>> input,
                                    java.util.function.Supplier<OneInputStreamOperator<String, String>> operator,
                                    StateBackend backend) throws Exception {
        List<String> out = new ArrayList<>();
        int half = input.size() / 2;
        OperatorSubtaskState snapshot;
        try (var h = harness(operator.get(), backend)) {
            h.open();
            feed(h, input.subList(0, half));
            snapshot = h.snapshot(1, input.get(half - 1).getTimestamp());
            out.addAll(drain(h));
        }
        try (var h = harness(operator.get(), backend)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, input.subList(half, input.size()));
            h.processWatermark(Long.MAX_VALUE);
            out.addAll(drain(h));
            if (operator.get() instanceof PointLookupCepOperator) {
                for (String map : List.of(PointLookupCepOperator.ELEMENT_QUEUE, PointLookupCepOperator.EVENTS_COUNT)) {
                    assertThat(((AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend().getKeys(PointLookupStateStore.valueName(map), VoidNamespace.INSTANCE))
                            .as("no key keeps a %s once the watermark passed everything", map).isEmpty();
                }
                if (backend instanceof HashMapStateBackend) {
                    assertThat(h.numKeyedStateEntries()).as("no partial match either").isZero();
                }
            }
        }
        return out;
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<String, String, String> h, List<StreamRecord<String>> records) throws Exception {
        long watermark = Long.MIN_VALUE;
        for (StreamRecord<String> r : records) {
            h.processElement(r);
            if (r.getTimestamp() - 5 > watermark) {
                watermark = r.getTimestamp() - 5;
                h.processWatermark(watermark);
            }
        }
    }

    private static List<String> drain(KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
        List<String> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(r.getTimestamp() + " " + r.getValue());
            }
        }
        h.getOutput().clear();
        return out;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            OneInputStreamOperator<String, String> operator, StateBackend backend) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(operator, e -> e.split(":")[0], Types.STRING);
        h.setStateBackend(backend);
        return h;
    }

    /** Devices' events {@code device:kind}, several per timestamp, in event-time order with some disorder. */
    private static List<StreamRecord<String>> randomNight(Random random, int devices, int events) {
        String[] kinds = {"install", "restart", "boot", "beat", "beat", "beat"};
        List<StreamRecord<String>> out = new ArrayList<>();
        long ts = 1_000;
        for (int i = 0; i < events; i++) {
            ts += random.nextInt(3);
            long at = ts - random.nextInt(4);
            out.add(new StreamRecord<>("d" + random.nextInt(devices) + ":" + kinds[random.nextInt(kinds.length)] + ":" + i, at));
        }
        return out;
    }

    /** install, then boot within 40, with no restart between: a pattern with a {@code not} and a window. */
    private static Pattern<String, ?> pattern() {
        return Pattern.<String>begin("install").where(kind("install"))
                .notFollowedBy("restart").where(kind("restart"))
                .followedBy("boot").where(kind("boot"))
                .within(java.time.Duration.ofMillis(40));
    }

    private static SimpleCondition<String> kind(String kind) {
        return SimpleCondition.of(e -> e.split(":")[1].equals(kind));
    }

    private static final class Matches extends PatternProcessFunction<String, String> {
        @Override
        public void processMatch(Map<String, List<String>> match, Context ctx, Collector<String> out) {
            out.collect(match.get("install") + " -> " + match.get("boot"));
        }
    }

    private static java.util.function.Supplier<OneInputStreamOperator<String, String>> stock() {
        return () -> new CepOperator<>(StringSerializer.INSTANCE, false, NFACompiler.compileFactory(pattern(), false),
                null, pattern().getAfterMatchSkipStrategy(), new Matches(), null);
    }

    private static java.util.function.Supplier<OneInputStreamOperator<String, String>> pointLookup() {
        return () -> new PointLookupCepOperator<>(StringSerializer.INSTANCE, NFACompiler.compileFactory(pattern(), false),
                pattern(), new Matches());
    }

    private static Object privateStatic(Class<?> type, String name) throws Exception {
        Field f = type.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(null);
    }
}
