package io.patchwatch.jobs.cep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.MapSerializer;

/**
 * The keyed state store CEP is handed: every state as Flink's own, except the named map states,
 * each of which becomes a {@link SmallMapState} (the whole map of a key in one value, under the
 * same name with a suffix, with an explicit serializer).
 */
final class PointLookupStateStore implements KeyedStateStore {
    private final KeyedStateStore delegate;
    private final Set<String> smallMaps;
    private final Supplier<Object> currentKey;
    private final List<SmallMapState<?, ?>> created = new ArrayList<>();

    PointLookupStateStore(KeyedStateStore delegate, Set<String> smallMaps, Supplier<Object> currentKey) {
        this.delegate = delegate;
        this.smallMaps = smallMaps;
        this.currentKey = currentKey;
    }

    /** The state name a small map is kept under: a new name, so no earlier map state is misread. */
    static String valueName(String mapName) {
        return mapName + "-in-one-value";
    }

    /** The names of the map states that became small maps. */
    Set<String> redirected() {
        Set<String> names = new java.util.TreeSet<>();
        created.forEach(m -> names.add(m.name()));
        return names;
    }

    /** Every small map reads its key's map again at its next call. */
    void forget() {
        created.forEach(SmallMapState::forget);
    }

    @Override
    public <UK, UV> MapState<UK, UV> getMapState(MapStateDescriptor<UK, UV> descriptor) {
        if (!smallMaps.contains(descriptor.getName())) {
            return delegate.getMapState(descriptor);
        }
        ValueState<Map<UK, UV>> value = delegate.getState(new ValueStateDescriptor<>(valueName(descriptor.getName()),
                new MapSerializer<>(descriptor.getKeySerializer(), descriptor.getValueSerializer())));
        SmallMapState<UK, UV> map = new SmallMapState<>(descriptor.getName(), value, currentKey);
        created.add(map);
        return map;
    }

    @Override
    public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
        return delegate.getState(descriptor);
    }

    @Override
    public <T> ListState<T> getListState(ListStateDescriptor<T> descriptor) {
        return delegate.getListState(descriptor);
    }

    @Override
    public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> descriptor) {
        return delegate.getReducingState(descriptor);
    }

    @Override
    public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        return delegate.getAggregatingState(descriptor);
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
            org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> descriptor) {
        return delegate.getValueState(descriptor);
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
            org.apache.flink.api.common.state.v2.ListStateDescriptor<T> descriptor) {
        return delegate.getListState(descriptor);
    }

    @Override
    public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
            org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> descriptor) {
        return delegate.getMapState(descriptor);
    }

    @Override
    public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
            org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> descriptor) {
        return delegate.getReducingState(descriptor);
    }

    @Override
    public <IN, ACC, OUT> org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
            org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> descriptor) {
        return delegate.getAggregatingState(descriptor);
    }

    @Override
    public String getBackendTypeIdentifier() {
        return delegate.getBackendTypeIdentifier();
    }
}
