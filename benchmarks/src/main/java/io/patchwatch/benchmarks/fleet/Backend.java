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
    }

    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
