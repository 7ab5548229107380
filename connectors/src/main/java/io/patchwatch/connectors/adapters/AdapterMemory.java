package io.patchwatch.connectors.adapters;

import java.util.Map;

/**
 * An adapter that remembers something between records (the names a Windows machine renamed itself
 * from): the job keeps it in Flink state, so a restart does not forget it. The memory is bounded
 * by the adapter; {@link #restore} takes the union of what every parallel instance remembered.
 */
public interface AdapterMemory {

    /** What to keep in the checkpoint: key to value, both short strings. */
    Map<String, String> remembered();

    /** Learns again what a checkpoint held (called before the first record). */
    void restore(Map<String, String> remembered);
}
