package io.patchwatch.jobs.cep;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * A {@link MapState} whose whole map, per key, is one value: every operation is a point read (and a
 * point write for a change), never a prefix scan. For maps of a few entries that live only briefly
 * (CEP's events-per-timestamp counters and its queue of elements waiting for the watermark), a
 * scan on RocksDB costs a seek over every deleted entry that follows until compaction; a point read
 * costs a bloom-filtered lookup.
 *
 * <p>The map of the current key is kept between calls of one key (CEP calls its state several
 * times per element) and re-read when the key changes or after {@link #forget()}, which the
 * operator calls when a snapshot is taken: the heap backend copies a value on access only once a
 * snapshot holds it, so a map read before may not be changed after.
 */
final class SmallMapState<K, V> implements MapState<K, V> {
    private final String name;
    private final ValueState<Map<K, V>> state;
    private final Supplier<Object> currentKey;
    /** The key whose map {@link #map} is, or null: nothing read. */
    private Object readFor;
    /** The current key's map; empty when it has none. */
    private Map<K, V> map;

    SmallMapState(String name, ValueState<Map<K, V>> state, Supplier<Object> currentKey) {
        this.name = name;
        this.state = state;
        this.currentKey = currentKey;
    }

    /** The name of the map state this one stands for. */
    String name() {
        return name;
    }

    /** Reads the map again at the next call (after a snapshot, see the class comment). */
    void forget() {
        readFor = null;
        map = null;
    }

    private Map<K, V> read() throws Exception {
        Object key = currentKey.get();
        if (readFor == null || !readFor.equals(key)) {
            Map<K, V> stored = state.value();
            map = stored == null ? new HashMap<>() : stored;
            readFor = key;
        }
        return map;
    }

    private void write() throws Exception {
        if (map.isEmpty()) {
            state.clear();
        } else {
            state.update(map);
        }
    }

    @Override
    public V get(K key) throws Exception {
        return read().get(key);
    }

    @Override
    public void put(K key, V value) throws Exception {
        read().put(key, value);
        write();
    }

    @Override
    public void putAll(Map<K, V> entries) throws Exception {
        read().putAll(entries);
        write();
    }

    @Override
    public void remove(K key) throws Exception {
        if (read().remove(key) != null) {
            write();
        }
    }

    @Override
    public boolean contains(K key) throws Exception {
        return read().containsKey(key);
    }

    @Override
    public Iterable<Map.Entry<K, V>> entries() throws Exception {
        List<Map.Entry<K, V>> copy = new ArrayList<>();
        for (Map.Entry<K, V> e : read().entrySet()) {
            copy.add(new AbstractMap.SimpleImmutableEntry<>(e));
        }
        return copy;
    }

    @Override
    public Iterable<K> keys() throws Exception {
        Map<K, V> current = read();
        return () -> new Removing<>(current.keySet().iterator(), this);
    }

    @Override
    public Iterable<V> values() throws Exception {
        return Collections.unmodifiableCollection(new ArrayList<>(read().values()));
    }

    @Override
    public Iterator<Map.Entry<K, V>> iterator() throws Exception {
        return entries().iterator();
    }

    @Override
    public boolean isEmpty() throws Exception {
        return read().isEmpty();
    }

    @Override
    public void clear() {
        try {
            if (!read().isEmpty()) {
                map.clear();
                state.clear();
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot clear " + name, e);
        }
    }

    /** An iterator whose {@code remove} writes the map back, as a MapState iterator's does. */
    private static final class Removing<K> implements Iterator<K> {
        private final Iterator<K> keys;
        private final SmallMapState<K, ?> owner;

        Removing(Iterator<K> keys, SmallMapState<K, ?> owner) {
            this.keys = keys;
            this.owner = owner;
        }

        @Override
        public boolean hasNext() {
            return keys.hasNext();
        }

        @Override
        public K next() {
            return keys.next();
        }

        @Override
        public void remove() {
            keys.remove();
            try {
                owner.write();
            } catch (Exception e) {
                throw new IllegalStateException("cannot remove an entry", e);
            }
        }
    }
}
