package io.patchwatch.connectors.adapters.windows;

import java.util.List;
import java.util.Map;

/**
 * One Windows event log record, whatever it was shipped as (event XML, Winlogbeat ECS JSON).
 *
 * @param named {@code <Data Name="x">} values (Winlogbeat: {@code winlog.event_data})
 * @param positional unnamed values, in order: {@code <Data>} without a name, and the
 *     {@code <string>} items classic EventLog events pack into one Data element
 * @param binary the {@code <Binary>} payload, decoded (empty when absent)
 */
public record WindowsEvent(
        String provider,
        int eventId,
        long ts,
        String computer,
        String recordId,
        Map<String, String> named,
        List<String> positional,
        byte[] binary) {

    /** A named value, else the positional one at index (param1 is index 0), else null. */
    public String param(String name, int index) {
        String v = named.get(name);
        if (v == null && index >= 0 && index < positional.size()) {
            v = positional.get(index);
        }
        return v == null || v.isEmpty() ? null : v;
    }
}
