package io.patchwatch.connectors.adapters.icinga;

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

/**
 * Icinga 2 results, as its REST API gives them:
 *
 * <ul>
 *   <li>{@code /v1/objects/hosts} and {@code /v1/objects/services} responses ({@code {"results":[...]}});
 *   <li>event-stream objects of type {@code CheckResult} and {@code StateChange}.
 * </ul>
 *
 * A host becomes a {@code ping} event: state 0 (UP) is ok, 1 (DOWN) and 2 (UNREACHABLE) are not. A
 * service becomes a {@code service_state} of the service's display name: OK and WARNING are
 * running, CRITICAL is stopped, UNKNOWN is skipped. The time is the check's end ({@code
 * last_check} / {@code execution_end} / {@code timestamp}), else the record's.
 */
public final class IcingaAdapter extends JsonObjectAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "icinga2";

    public IcingaAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseObject(JsonNode root, long recordTimestamp, AdapterOutput out) {
        try {
            if (root.has("results")) {
                if (!root.path("results").isArray()) {
                    out.deadLetter(DeadLetterReason.WRONG_TYPE, "results", "'results' must be an array");
                    return;
                }
                for (JsonNode r : root.path("results")) {
                    object(r, recordTimestamp, out);
                }
            } else if (root.has("type") && root.has("host")) {
                streamEvent(root, recordTimestamp, out);
            } else {
                out.deadLetter(DeadLetterReason.MALFORMED, null, "neither an API objects response nor an event-stream object");
            }
        } catch (IllegalArgumentException e) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, null, e.getMessage());
        }
    }

    private void object(JsonNode r, long recordTimestamp, AdapterOutput out) {
        JsonNode attrs = r.path("attrs");
        String type = JsonFields.text(r, "type");
        JsonNode state = attrs.path("state");
        if (!state.isNumber()) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "attrs.state", "Icinga object without a numeric state");
            return;
        }
        long ts = JsonFields.time(attrs, "last_check", recordTimestamp);
        if ("Host".equals(type)) {
            String host = JsonFields.text(attrs, "name") != null ? JsonFields.text(attrs, "name") : JsonFields.text(r, "name");
            host(host, state.intValue(), ts, out);
        } else if ("Service".equals(type)) {
            service(JsonFields.text(attrs, "host_name"), JsonFields.text(attrs, "display_name"), state.intValue(), ts, out);
        } else {
            out.skipped("Icinga object of type " + type);
        }
    }

    private void streamEvent(JsonNode e, long recordTimestamp, AdapterOutput out) {
        String type = JsonFields.text(e, "type");
        if (!"CheckResult".equals(type) && !"StateChange".equals(type)) {
            out.skipped("Icinga event " + type);
            return;
        }
        JsonNode result = e.path("check_result");
        JsonNode state = e.has("state") ? e.path("state") : result.path("state");
        if (!state.isNumber()) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "state", "Icinga " + type + " without a numeric state");
            return;
        }
        long ts = JsonFields.time(result, "execution_end", JsonFields.time(e, "timestamp", recordTimestamp));
        String service = JsonFields.text(e, "service");
        if (service == null) {
            host(JsonFields.text(e, "host"), state.intValue(), ts, out);
        } else {
            service(JsonFields.text(e, "host"), service, state.intValue(), ts, out);
        }
    }

    private void host(String host, int state, long ts, AdapterOutput out) {
        if (!ready(host, ts, out)) {
            return;
        }
        out.event(base(host, ts).setKind(EventKind.ping).setOk(state == 0).build());
    }

    private void service(String host, String service, int state, long ts, AdapterOutput out) {
        if (!ready(host, ts, out)) {
            return;
        }
        if (service == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "display_name", "Icinga service without a name");
            return;
        }
        if (state == 3) {
            out.skipped("UNKNOWN service state");
            return;
        }
        ServiceState s = state == 2 ? ServiceState.stopped : ServiceState.running;
        out.event(base(host, ts).setKind(EventKind.service_state).setService(service).setState(s).build());
    }

    private boolean ready(String host, long ts, AdapterOutput out) {
        if (host == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "host", "Icinga result without a host name");
            return false;
        }
        if (ts == NO_TIMESTAMP) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "last_check", "Icinga result without a time, and the record has none");
            return false;
        }
        return true;
    }

    private DeviceEvent.Builder base(String host, long ts) {
        return DeviceEvent.newBuilder().setTs(ts).setTenant(settings.tenant()).setSite(settings.site())
                .setDevice(HostNames.device(host)).setSource("icinga2");
    }
}
