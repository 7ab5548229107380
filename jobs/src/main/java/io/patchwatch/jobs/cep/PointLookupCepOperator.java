package io.patchwatch.jobs.cep;

import java.util.OptionalLong;
import java.util.Set;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StatePartitionStreamProvider;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Flink's own {@link CepOperator} (its NFA, its shared buffer, its timers), built as {@code
 * PatternStreamBuilder} builds it for a keyed stream in event time, with one change: the two states
 * CEP reads by scanning on every element are each kept as one small value per key.
 *
 * <p>Why: per element CEP scans its events-per-timestamp counters ({@code SharedBuffer.advanceTime}:
 * {@code keys()}, {@code isEmpty()}, {@code clear()}, twice) and its queue of elements waiting for
 * the watermark ({@code keys()} when the watermark passes them). Their entries live only until the
 * next element, so on RocksDB these column families are mostly deletions, and Flink 2.2's MapState
 * iterators seek without an upper bound: every scan steps over the deletions of the keys after it
 * until compaction (FLINK-40584, open). As one value per key they cost point reads; every other CEP
 * state (NFA states, shared buffer events and nodes) stays Flink's, untouched.
 *
 * <pre>{@code
 * SingleOutputStreamOperator<Trigger> matched =
 *         PointLookupCepOperator.apply(facts.keyBy(key), pattern, new ToTrigger(...), TypeInformation.of(Trigger.class));
 * }</pre>
 *
 * <p>Its state is not that of a stock CEP operator: {@link #uid} marks the layout, so a savepoint
 * of the stock layout is never restored into it (its partial matches are dropped, once).
 * {@code PointLookupCepOperatorTest} pins the Flink names and constructor this relies on.
 */
public final class PointLookupCepOperator<IN, KEY, OUT> extends CepOperator<IN, KEY, OUT> {
    private static final long serialVersionUID = 1L;

    /** The layout of a CEP operator's state: 1 stock Flink CEP, 2 this operator's. */
    public static final int STATE_LAYOUT = 2;

    /** {@code SharedBuffer.EVENTS_COUNT_STATE_NAME} of Flink 2.2. */
    static final String EVENTS_COUNT = "sharedBuffer-events-count";
    /** {@code CepOperator.EVENT_QUEUE_STATE_NAME} of Flink 2.2. */
    static final String ELEMENT_QUEUE = "eventQueuesStateName";

    /** The names of the map states kept as one value per key: {@link #EVENTS_COUNT}, {@link #ELEMENT_QUEUE}. */
    private final Set<String> smallMaps;
    private transient PointLookupStateStore store;

    PointLookupCepOperator(TypeSerializer<IN> inputSerializer, NFACompiler.NFAFactory<IN> nfaFactory,
                           Pattern<IN, ?> pattern, PatternProcessFunction<IN, OUT> function) {
        this(inputSerializer, nfaFactory, pattern, function, Set.of(EVENTS_COUNT, ELEMENT_QUEUE));
    }

    PointLookupCepOperator(TypeSerializer<IN> inputSerializer, NFACompiler.NFAFactory<IN> nfaFactory,
                           Pattern<IN, ?> pattern, PatternProcessFunction<IN, OUT> function, Set<String> smallMaps) {
        super(inputSerializer, false, nfaFactory, null, pattern.getAfterMatchSkipStrategy(), function, null);
        this.smallMaps = smallMaps;
    }

    /**
     * The matches of {@code pattern} on a keyed stream in event time, as {@code CEP.pattern(input,
     * pattern).inEventTime().process(function, type)} gives them, without a comparator or a late-data tag.
     */
    public static <IN, K, OUT> SingleOutputStreamOperator<OUT> apply(
            KeyedStream<IN, K> input, Pattern<IN, ?> pattern, PatternProcessFunction<IN, OUT> function, TypeInformation<OUT> type) {
        TypeSerializer<IN> serializer = input.getType().createSerializer(input.getExecutionConfig().getSerializerConfig());
        boolean timeoutHandling = function instanceof TimedOutPartialMatchHandler;
        PointLookupCepOperator<IN, K, OUT> operator = new PointLookupCepOperator<>(serializer,
                NFACompiler.compileFactory(pattern, timeoutHandling), pattern, input.getExecutionEnvironment().clean(function));
        return input.transform("CepOperator", type, operator);
    }

    /** The uid of a CEP operator with this layout: {@code base} is what the stock operator had. */
    public static String uid(String base) {
        return uidOfLayout(base, STATE_LAYOUT);
    }

    /** The uid {@code base} had in state layout {@code layout} (layout 1: the stock operator, no suffix). */
    public static String uidOfLayout(String base, int layout) {
        return layout == 1 ? base : base + "-cep" + layout;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        store = new PointLookupStateStore(context.getKeyedStateStore(), smallMaps, this::getCurrentKey);
        super.initializeState(new WithStore(context, store));
        if (!store.redirected().equals(smallMaps)) {
            // A Flink whose CEP names its state otherwise: running on would scan again, silently.
            throw new IllegalStateException("Flink CEP asked for " + store.redirected() + " of the map states "
                    + new java.util.TreeSet<>(smallMaps) + " patchwatch keeps as point lookups: this patchwatch runs on Flink 2.2");
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // The heap backend copies a value on access once a snapshot holds it: read afresh from now on.
        store.forget();
        super.snapshotState(context);
    }

    /** The initialization context CEP sees: its keyed state store is {@link PointLookupStateStore}. */
    private record WithStore(StateInitializationContext context, KeyedStateStore store) implements StateInitializationContext {
        @Override
        public boolean isRestored() {
            return context.isRestored();
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return context.getRestoredCheckpointId();
        }

        @Override
        public OperatorStateStore getOperatorStateStore() {
            return context.getOperatorStateStore();
        }

        @Override
        public KeyedStateStore getKeyedStateStore() {
            return store;
        }

        @Override
        public Iterable<StatePartitionStreamProvider> getRawOperatorStateInputs() {
            return context.getRawOperatorStateInputs();
        }

        @Override
        public Iterable<KeyGroupStatePartitionStreamProvider> getRawKeyedStateInputs() {
            return context.getRawKeyedStateInputs();
        }
    }
}
