package io.patchwatch.connectors.adapters;

/** The checks every adapter makes before it parses a record. */
public final class AdapterSupport {
    private AdapterSupport() {}

    /** @return false (and a dead letter) when the record is empty or over the size limit */
    public static boolean acceptable(byte[] payload, int maxRecordBytes, AdapterOutput out) {
        if (payload == null || payload.length == 0) {
            out.deadLetter(DeadLetterReason.EMPTY, null, "empty record");
            return false;
        }
        if (payload.length > maxRecordBytes) {
            out.deadLetter(DeadLetterReason.TOO_LARGE, null,
                    "record of " + payload.length + " bytes exceeds the limit of " + maxRecordBytes + " bytes");
            return false;
        }
        return true;
    }
}
