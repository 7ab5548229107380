package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.AdapterSupport;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;

/** Windows System log events as Winlogbeat ships them (ECS JSON); same mapping as the XML form. */
public final class WinlogbeatAdapter implements EventAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "winlogbeat";

    private final AdapterSettings settings;
    private final WindowsEventMapping mapping;

    public WinlogbeatAdapter(AdapterSettings settings) {
        this.settings = settings;
        this.mapping = new WindowsEventMapping(settings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
        if (!AdapterSupport.acceptable(payload, settings.maxRecordBytes(), out)) {
            return;
        }
        WindowsEvent event;
        try {
            event = WinlogbeatJson.parse(payload);
        } catch (IllegalArgumentException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, e.getMessage());
            return;
        }
        mapping.map(event, "winlogbeat", out);
    }
}
