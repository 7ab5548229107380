package io.patchwatch.connectors.kafka;

/**
 * A record for a compacted topic, already encoded: its key and value, a null value being the
 * tombstone that removes the key. A POJO, so that Flink serializes it (and the null) without Kryo.
 */
public class KeyedRecord {
    public String key;
    public byte[] value;

    public KeyedRecord() {}

    public KeyedRecord(String key, byte[] value) {
        this.key = key;
        this.value = value;
    }

    public static KeyedRecord tombstone(String key) {
        return new KeyedRecord(key, null);
    }
}
