package io.patchwatch.benchmarks.fleet;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;

/** Where keyed state lives. */
public enum Backend {
    HEAP("hashmap"),
    ROCKSDB("rocksdb");

    private final String type;

    Backend(String type) {
        this.type = type;
    }

    void configure(Configuration conf) {
        conf.set(StateBackendOptions.STATE_BACKEND, type);
        // As flink-conf/config.yaml: timers on the heap (few, only for devices in a patch session).
        conf.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        if (this == ROCKSDB) {
            // The embedded cluster's default managed memory (128 MB for all slots) starves
            // RocksDB's block cache and write buffers; a TaskManager of config.yaml has ~540 MB.
            conf.setString("taskmanager.memory.managed.size", "768m");
            if (Boolean.getBoolean("bench.bloom")) {
                conf.setString("state.backend.rocksdb.use-bloom-filter", "true");
            }
        }
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
