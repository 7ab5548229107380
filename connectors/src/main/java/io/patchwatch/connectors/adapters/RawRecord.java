package io.patchwatch.connectors.adapters;

/**
 * One input record before parsing: its bytes and where it came from (file:line, topic/partition/offset).
 * Never changed once made ({@link RawRecordSerializer} shares it between chained operators).
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(RawRecordSerializer.Factory.class)
public class RawRecord implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public String origin;
    public byte[] payload;
    /** The transport's time of the record (Kafka record time, file time), or Long.MIN_VALUE. */
    public long timestamp = Long.MIN_VALUE;
    /**
     * What the input's validated adapter made of it, when the Kafka source read its event time
     * ({@code RecordEventTime}): the parser chained behind the source hands that on instead of
     * parsing it again. Never serialized.
     */
    public transient ValidatedAdapter.Verdict verdict;

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
