package io.patchwatch.connectors.adapters.rmm;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.JsonObjectAdapter;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.connectors.adapters.JsonFields;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The agent payloads of Tactical RMM (open source), as its agents report them:
 *
 * <ul>
 *   <li>Windows Update inventory: {@code {"<hostname>": {"<guid>": {"Title", "KBs", "Installed",
 *       "NeedsReboot", ...}}}}. An inventory is a snapshot, not an event: the first one of a device
 *       is its baseline (nothing is emitted); later ones emit {@code patch_installed} for each update
 *       that became installed since (with NeedsReboot as reboot_required). The previous snapshot is
 *       kept in memory per adapter instance; after a restart the next snapshot is a new baseline.
 *   <li>Service inventory: {@code {"hostname" | "agent_id": "...", "services": [{"name", "status",
 *       "start_type", ...}]}} gives one {@code service_state} per service.
 * </ul>
 *
 * Neither payload carries a time: events take the record's (the Kafka record time).
 */
public final class TacticalRmmAdapter extends JsonObjectAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "tactical-rmm";
    /** Devices whose last update inventory is remembered; a device pushed out starts a new baseline. */
    static final int MAX_DEVICES_REMEMBERED = 100_000;
    static final int MAX_UPDATES_PER_INVENTORY = 5_000;

    private transient Map<String, Set<String>> installedByDevice;

    public TacticalRmmAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseObject(JsonNode root, long recordTimestamp, AdapterOutput out) {
        if (recordTimestamp == NO_TIMESTAMP) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "ts", "Tactical RMM payloads have no time and the record carries none");
            return;
        }
        if (root.has("services")) {
            if (!root.path("services").isArray()) {
                out.deadLetter(DeadLetterReason.WRONG_TYPE, "services", "'services' must be an array");
                return;
            }
            services(root, recordTimestamp, out);
        } else if (root.size() == 1 && root.elements().next().isObject()) {
            updates(root, recordTimestamp, out);
        } else {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "neither an update inventory nor a service inventory");
        }
    }

    private void updates(JsonNode root, long ts, AdapterOutput out) {
        String host = root.fieldNames().next();
        String device = HostNames.device(host);
        Set<String> installed = new HashSet<>();
        Map<String, JsonNode> byGuid = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path(host).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> u = it.next();
            if (u.getValue().path("Installed").asBoolean(false)) {
                installed.add(u.getKey());
                byGuid.put(u.getKey(), u.getValue());
            }
        }
        if (installed.size() > MAX_UPDATES_PER_INVENTORY) {
            out.deadLetter(DeadLetterReason.TOO_LARGE, null, "an update inventory of " + installed.size()
                    + " installed updates, more than the limit of " + MAX_UPDATES_PER_INVENTORY);
            return;
        }
        Set<String> before = installedByDevice().put(device.toLowerCase(Locale.ROOT), installed);
        if (before == null) {
            out.skipped("first update inventory of " + device + " (baseline)");
            return;
        }
        for (String guid : installed) {
            if (before.contains(guid)) {
                continue;
            }
            JsonNode u = byGuid.get(guid);
            JsonNode kbs = u.path("KBs");
            String kb = kbs.isArray() && kbs.size() > 0 ? kbs.get(0).asText().toUpperCase(Locale.ROOT) : null;
            out.event(base(device, ts).setKind(EventKind.patch_installed).setKb(kb).setUpdateId(guid)
                    .setTitle(JsonFields.text(u, "Title")).setRebootRequired(u.path("NeedsReboot").asBoolean(false)).build());
        }
    }

    private void services(JsonNode root, long ts, AdapterOutput out) {
        String host = JsonFields.text(root, "hostname") != null ? JsonFields.text(root, "hostname") : JsonFields.text(root, "agent_id");
        if (host == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "hostname", "a service inventory needs 'hostname' or 'agent_id'");
            return;
        }
        String device = HostNames.device(host);
        for (JsonNode s : root.path("services")) {
            String name = JsonFields.text(s, "name");
            ServiceState state = RmmServiceStates.of(JsonFields.text(s, "status"));
            if (name == null || state == null) {
                out.deadLetter(DeadLetterReason.INVALID_VALUE, name == null ? "services[].name" : "services[].status",
                        "service entry without a name or with an unknown status");
                continue;
            }
            out.event(base(device, ts).setKind(EventKind.service_state).setService(name).setState(state)
                    .setStartType(RmmServiceStates.startType(JsonFields.text(s, "start_type"))).build());
        }
    }

    private DeviceEvent.Builder base(String device, long ts) {
        return DeviceEvent.newBuilder().setTs(ts).setTenant(settings.tenant()).setSite(settings.site())
                .setDevice(device).setSource("tactical-rmm");
    }

    /** The last inventory of the devices seen most recently, at most {@link #MAX_DEVICES_REMEMBERED}. */
    private Map<String, Set<String>> installedByDevice() {
        if (installedByDevice == null) {
            installedByDevice = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
                    return size() > MAX_DEVICES_REMEMBERED;
                }
            };
        }
        return installedByDevice;
    }
}
