package io.patchwatch.connectors.adapters.ping;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.RecordAdapter;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.nio.charset.StandardCharsets;

/**
 * The text output of one {@code ping} run per record: a {@code ping} event for its target, ok when
 * at least one reply came back, with the loss and the average round trip. Ping output carries no
 * time, so the event takes the record's (Kafka record time, file time); a record without one is a
 * dead letter, never stamped with a guess.
 */
public final class PingOutputAdapter extends RecordAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "ping";

    public PingOutputAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out) {
        PingOutput ping;
        try {
            ping = PingOutput.parse(new String(payload, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, e.getMessage());
            return;
        }
        if (recordTimestamp == NO_TIMESTAMP) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "ts", "ping output has no time and the record carries none");
            return;
        }
        out.event(DeviceEvent.newBuilder()
                .setTs(recordTimestamp)
                .setTenant(settings.tenant())
                .setSite(settings.site())
                .setDevice(HostNames.device(ping.target()))
                .setKind(EventKind.ping)
                .setOk(ping.ok())
                .setLossPct(ping.lossPct())
                .setRttMs(ping.rttAvgMs())
                .setSource("ping")
                .build());
    }
}
