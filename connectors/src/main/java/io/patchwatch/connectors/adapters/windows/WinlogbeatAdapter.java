package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.AdapterSettings;

/** Windows System log events as Winlogbeat ships them (ECS JSON); same mapping as the XML form. */
public final class WinlogbeatAdapter extends WindowsEventAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "winlogbeat";

    public WinlogbeatAdapter(AdapterSettings settings) {
        super(NAME, "winlogbeat", settings);
    }

    @Override
    WindowsEvent read(byte[] payload) {
        return WinlogbeatJson.parse(payload);
    }
}
