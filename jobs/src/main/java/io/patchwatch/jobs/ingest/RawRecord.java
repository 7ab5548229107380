package io.patchwatch.jobs.ingest;

/** One input record before parsing: its bytes and where it came from (file:line, topic/partition/offset). */
public class RawRecord {
    public String origin;
    public byte[] payload;

    public RawRecord() {}

    public RawRecord(String origin, byte[] payload) {
        this.origin = origin;
        this.payload = payload;
    }
}
