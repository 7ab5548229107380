package io.patchwatch.connectors.adapters.rmm;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.JsonObjectAdapter;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.connectors.adapters.JsonFields;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * patchwatch's generic RMM format, one JSON object per record, for any RMM whose scripts or webhooks
 * can post JSON:
 *
 * <pre>{@code
 * {"type":"patch_result","ts":"2026-11-10T02:03:00Z","tenant":"acme","device":"SRV-01",
 *  "kb":"KB5044284","update_id":"...","title":"...","status":"installed","needs_reboot":true}
 * {"type":"service_inventory","ts":"2026-11-10T02:20:00Z","device":"SRV-01",
 *  "services":[{"name":"Spooler","status":"running","start_type":"automatic"}]}
 * }</pre>
 *
 * {@code status} of a patch: {@code installed}, {@code failed} (with {@code error}) or {@code
 * started}; a service's: {@code running}, {@code stopped}, {@code start_pending}, {@code
 * stop_pending}, {@code paused}. A service inventory becomes one {@code service_state} per service.
 * {@code tenant} defaults to the feed's tenant (job.yaml / {@code --tenant}).
 */
public final class RmmJsonAdapter extends JsonObjectAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "rmm-json";
    private static final java.util.List<String> STRING_FIELDS =
            java.util.List.of("type", "tenant", "site", "device", "kb", "update_id", "title", "status", "error");
    private static final Pattern KB = Pattern.compile("\\b(KB\\d{6,8})\\b", Pattern.CASE_INSENSITIVE);

    public RmmJsonAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseObject(JsonNode o, long recordTimestamp, AdapterOutput out) {
        for (String field : STRING_FIELDS) {
            JsonNode n = o.get(field);
            if (n != null && !n.isNull() && !n.isTextual()) {
                out.deadLetter(DeadLetterReason.WRONG_TYPE, field, "field '" + field + "' must be a string");
                return;
            }
        }
        String type = JsonFields.text(o, "type");
        String device = JsonFields.text(o, "device");
        if (type == null || device == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, type == null ? "type" : "device",
                    "an RMM record needs 'type' and 'device'");
            return;
        }
        long ts;
        try {
            ts = JsonFields.time(o, "ts", recordTimestamp);
        } catch (IllegalArgumentException e) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "ts", e.getMessage());
            return;
        }
        if (ts == NO_TIMESTAMP) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "ts", "field 'ts' is missing");
            return;
        }
        String tenant = JsonFields.text(o, "tenant");
        if (tenant != null && settings.tenantFixed() && !tenant.strip().equalsIgnoreCase(settings.tenant())) {
            // A feed configured for one tenant speaks for that tenant only: a record cannot file
            // itself under another tenant's sinks and overrides.
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "tenant", "tenant " + SafeText.quote(tenant)
                    + " is not this feed's tenant '" + settings.tenant() + "'");
            return;
        }
        String site = JsonFields.text(o, "site");
        DeviceEvent.Builder base = DeviceEvent.newBuilder().setTs(ts)
                .setTenant(tenant != null ? tenant : settings.tenant())
                .setSite(site != null ? site : settings.site())
                .setDevice(HostNames.device(device)).setSource("rmm");
        switch (type) {
            case "patch_result" -> patch(o, base, out);
            case "service_inventory" -> services(o, base, out);
            default -> out.deadLetter(DeadLetterReason.INVALID_VALUE, "type",
                    "unknown RMM record type " + SafeText.quote(type) + " (patch_result, service_inventory)");
        }
    }

    private static void patch(JsonNode o, DeviceEvent.Builder b, AdapterOutput out) {
        String title = JsonFields.text(o, "title");
        String kb = JsonFields.text(o, "kb");
        if (kb == null && title != null) {
            Matcher m = KB.matcher(title);
            kb = m.find() ? m.group(1) : null;
        }
        if (kb != null) {
            kb = kb.toUpperCase(Locale.ROOT).startsWith("KB") ? kb.toUpperCase(Locale.ROOT) : "KB" + kb;
        }
        String updateId = JsonFields.text(o, "update_id");
        if (kb == null && updateId == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "update_id", "a patch_result needs 'kb' or 'update_id'");
            return;
        }
        JsonNode reboot = o.path("needs_reboot");
        if (!reboot.isMissingNode() && !reboot.isNull() && !reboot.isBoolean()) {
            out.deadLetter(DeadLetterReason.WRONG_TYPE, "needs_reboot", "field 'needs_reboot' must be true or false");
            return;
        }
        b.setKb(kb).setUpdateId(updateId != null ? updateId : kb).setTitle(title)
                .setRebootRequired(reboot.isBoolean() ? reboot.booleanValue() : null);
        String status = JsonFields.text(o, "status");
        switch (status == null ? "" : status.toLowerCase(Locale.ROOT)) {
            case "installed" -> out.event(b.setKind(EventKind.patch_installed).build());
            case "failed" -> out.event(b.setKind(EventKind.patch_failed).setError(JsonFields.text(o, "error")).build());
            case "started", "installing" -> out.event(b.setKind(EventKind.patch_started).build());
            default -> out.deadLetter(status == null ? DeadLetterReason.MISSING_FIELD : DeadLetterReason.INVALID_VALUE,
                    "status", "patch status must be installed, failed or started, got " + SafeText.quote(status));
        }
    }

    private static void services(JsonNode o, DeviceEvent.Builder base, AdapterOutput out) {
        JsonNode list = o.path("services");
        if (!list.isArray()) {
            out.deadLetter(list.isMissingNode() || list.isNull() ? DeadLetterReason.MISSING_FIELD : DeadLetterReason.WRONG_TYPE,
                    "services", "a service_inventory needs a 'services' array");
            return;
        }
        DeviceEvent template = base.setKind(EventKind.service_state).build();
        for (JsonNode s : list) {
            String name = JsonFields.text(s, "name");
            ServiceState state = RmmServiceStates.of(JsonFields.text(s, "status"));
            if (name == null || state == null) {
                out.deadLetter(DeadLetterReason.INVALID_VALUE, name == null ? "services[].name" : "services[].status",
                        "service entry without a name or with an unknown status");
                continue;
            }
            out.event(DeviceEvent.newBuilder(template).setService(name)
                    .setState(state).setStartType(RmmServiceStates.startType(JsonFields.text(s, "start_type"))).build());
        }
    }
}
