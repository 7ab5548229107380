package io.patchwatch.connectors.adapters;

/** One input record before parsing: its bytes and where it came from (file:line, topic/partition/offset). */
public class RawRecord implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public String origin;
    public byte[] payload;
    /** The transport's time of the record (Kafka record time, file time), or Long.MIN_VALUE. */
    public long timestamp = Long.MIN_VALUE;

    public RawRecord() {}

    public RawRecord(String origin, byte[] payload) {
        this.origin = origin;
        this.payload = payload;
    }

    public RawRecord(String origin, byte[] payload, long timestamp) {
        this(origin, payload);
        this.timestamp = timestamp;
    }
}
