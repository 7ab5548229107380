package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.AdapterSettings;

/**
 * Windows System log events as XML, one {@code <Event>} per record (wevtutil, Get-WinEvent, Windows
 * Event Forwarding, NXLog). See {@link WindowsEventMapping} for what becomes what.
 */
public final class WindowsXmlAdapter extends WindowsEventAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "windows-xml";

    public WindowsXmlAdapter(AdapterSettings settings) {
        super(NAME, "windows-event", settings);
    }

    @Override
    WindowsEvent read(byte[] payload) {
        return WindowsEventXml.parse(payload);
    }
}
