package io.patchwatch.connectors.adapters.windows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import java.util.HexFormat;

/** Renders a parsed event the way Winlogbeat ships it, to compare both input forms. */
final class WinlogbeatSamples {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WinlogbeatSamples() {}

    static String toWinlogbeat(WindowsEvent w) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("@timestamp", EventTimes.format(w.ts()));
        o.putObject("host").put("name", w.computer().toLowerCase());
        ObjectNode winlog = o.putObject("winlog");
        winlog.put("provider_name", w.provider());
        winlog.put("event_id", String.valueOf(w.eventId()));
        winlog.put("computer_name", w.computer());
        winlog.put("channel", "System");
        if (w.recordId() != null) {
            winlog.put("record_id", Long.parseLong(w.recordId()));
        }
        ObjectNode data = winlog.putObject("event_data");
        w.named().forEach(data::put);
        for (int i = 0; i < w.positional().size(); i++) {
            data.put("param" + (i + 1), w.positional().get(i));
        }
        if (w.binary().length > 0) {
            data.put("Binary", HexFormat.of().withUpperCase().formatHex(w.binary()));
        }
        o.putObject("event").put("code", String.valueOf(w.eventId())).put("provider", w.provider());
        return o.toString();
    }
}
