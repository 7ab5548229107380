package io.patchwatch.connectors.adapters.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.JsonObjectAdapter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.io.IOException;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads patchwatch's canonical event, one JSON object per record (JSON Lines):
 *
 * <pre>{@code
 * {"ts":"2026-11-10T02:03:00Z","tenant":"acme","site":"hq","device":"SRV-SQL-01",
 *  "kind":"patch_installed","kb":"KB5044284","reboot_required":true}
 * }</pre>
 *
 * Fields are checked strictly (type and value); unknown fields are ignored so that producers can add
 * fields before patchwatch knows them. A patch event without {@code update_id} takes its KB as the
 * update id; one with neither is refused, since an update must be identifiable to resolve alerts.
 */
public final class CanonicalJsonAdapter implements EventAdapter {

    public static final String NAME = "canonical-json";
    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
    /** No single string field may be longer: titles are the longest legitimate ones (~200 chars). */
    public static final int MAX_FIELD_CHARS = 4096;
    private static final int MAX_DEVICE_CHARS = 255;
    private static final Pattern KB_IN_TEXT = Pattern.compile("\\b(KB\\d{6,8})\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_KB = Pattern.compile("(?i)(?:KB)?(\\d{6,8})");

    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private transient ObjectMapper mapper;

    public CanonicalJsonAdapter() {
        this(DEFAULT_MAX_RECORD_BYTES);
    }

    public CanonicalJsonAdapter(int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
        if (payload == null || payload.length == 0 || isBlank(payload)) {
            out.deadLetter(DeadLetterReason.EMPTY, null, "empty record");
            return;
        }
        if (payload.length > maxRecordBytes) {
            out.deadLetter(DeadLetterReason.TOO_LARGE, null,
                    "record of " + payload.length + " bytes exceeds the limit of " + maxRecordBytes + " bytes");
            return;
        }
        JsonNode root;
        try {
            root = mapper().readTree(payload);
        } catch (JsonProcessingException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not valid JSON: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not readable as JSON: " + e.getMessage());
            return;
        }
        if (root == null || !root.isObject()) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "expected a JSON object, got " + describe(root));
            return;
        }
        try {
            out.event(toEvent(root));
        } catch (FieldException e) {
            out.deadLetter(e.reason, e.field, e.getMessage());
        }
    }

    private DeviceEvent toEvent(JsonNode o) throws FieldException {
        DeviceEvent.Builder b = DeviceEvent.newBuilder();
        b.setTs(timestamp(o));
        String tenant = optionalString(o, "tenant");
        if (tenant != null && tenant.isBlank()) {
            throw new FieldException(DeadLetterReason.INVALID_VALUE, "tenant", "field 'tenant' is blank");
        }
        b.setTenant(tenant == null ? "default" : tenant);
        b.setSite(optionalString(o, "site"));
        b.setDevice(device(o));
        EventKind kind = kind(o);
        b.setKind(kind);
        b.setTitle(optionalString(o, "title"));
        b.setError(optionalString(o, "error"));
        b.setReason(optionalString(o, "reason"));
        b.setStartType(optionalString(o, "start_type"));
        b.setSource(optionalString(o, "source"));
        b.setRawId(optionalString(o, "raw_id"));
        b.setRebootRequired(optionalBoolean(o, "reboot_required"));
        b.setOk(optionalBoolean(o, "ok"));
        b.setRttMs(optionalNumber(o, "rtt_ms"));
        b.setLossPct(optionalNumber(o, "loss_pct"));
        b.setService(optionalString(o, "service"));
        b.setState(serviceState(o));
        String kb = normalizeKb(optionalString(o, "kb"));
        if (kb == null && b.getTitle() != null) {
            Matcher m = KB_IN_TEXT.matcher(b.getTitle());
            kb = m.find() ? m.group(1).toUpperCase(Locale.ROOT) : null;
        }
        b.setKb(kb);
        String updateId = optionalString(o, "update_id");
        b.setUpdateId(updateId != null ? updateId : kb);

        switch (kind) {
            case patch_started, patch_installed, patch_failed -> {
                if (b.getUpdateId() == null) {
                    throw new FieldException(DeadLetterReason.MISSING_FIELD, "update_id",
                            "a " + kind + " event needs 'kb' or 'update_id' to identify the update");
                }
            }
            case ping -> {
                if (b.getOk() == null) {
                    throw new FieldException(DeadLetterReason.MISSING_FIELD, "ok", "a ping event needs boolean 'ok'");
                }
            }
            case service_state -> {
                require(b.getService(), "service", kind);
                if (b.getState() == null) {
                    throw new FieldException(DeadLetterReason.MISSING_FIELD, "state", "a service_state event needs 'state'");
                }
            }
            case service_failed -> require(b.getService(), "service", kind);
            default -> {}
        }
        return b.build();
    }

    private static long timestamp(JsonNode o) throws FieldException {
        JsonNode ts = o.get("ts");
        if (ts == null || ts.isNull()) {
            throw new FieldException(DeadLetterReason.MISSING_FIELD, "ts", "field 'ts' is missing");
        }
        if (ts.isIntegralNumber()) {
            if (!ts.canConvertToLong() || ts.asLong() < 0) {
                throw new FieldException(DeadLetterReason.INVALID_VALUE, "ts", "field 'ts' is not valid epoch milliseconds: " + ts);
            }
            return ts.asLong();
        }
        if (!ts.isTextual()) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, "ts",
                    "field 'ts' must be an ISO-8601 string or epoch milliseconds, got " + describe(ts));
        }
        String text = ts.textValue();
        checkLength("ts", text, 64);
        try {
            return EventTimes.parseIso(text);
        } catch (DateTimeParseException e) {
            throw new FieldException(DeadLetterReason.INVALID_VALUE, "ts",
                    "field 'ts' is not ISO-8601 with an offset: '" + text + "'");
        }
    }

    private static String device(JsonNode o) throws FieldException {
        String device = optionalString(o, "device");
        if (device == null) {
            throw new FieldException(DeadLetterReason.MISSING_FIELD, "device", "field 'device' is missing");
        }
        String trimmed = device.strip();
        if (trimmed.isEmpty() || trimmed.length() > MAX_DEVICE_CHARS
                || trimmed.chars().anyMatch(c -> Character.isISOControl(c) || c == '/')) {
            throw new FieldException(DeadLetterReason.INVALID_VALUE, "device",
                    "field 'device' must be 1-" + MAX_DEVICE_CHARS + " printable characters without '/'");
        }
        return trimmed;
    }

    private static EventKind kind(JsonNode o) throws FieldException {
        String kind = optionalString(o, "kind");
        if (kind == null) {
            throw new FieldException(DeadLetterReason.MISSING_FIELD, "kind", "field 'kind' is missing");
        }
        try {
            EventKind k = EventKind.valueOf(kind);
            if (k != EventKind.unknown) {
                return k;
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the error below
        }
        throw new FieldException(DeadLetterReason.INVALID_VALUE, "kind", "unknown kind '" + abbreviate(kind) + "'");
    }

    private static ServiceState serviceState(JsonNode o) throws FieldException {
        String state = optionalString(o, "state");
        if (state == null) {
            return null;
        }
        try {
            ServiceState s = ServiceState.valueOf(state.toLowerCase(Locale.ROOT));
            if (s != ServiceState.unknown) {
                return s;
            }
        } catch (IllegalArgumentException ignored) {
            // fall through
        }
        throw new FieldException(DeadLetterReason.INVALID_VALUE, "state",
                "unknown service state '" + abbreviate(state) + "' (running, stopped, start_pending, stop_pending, paused)");
    }

    private static String normalizeKb(String kb) {
        if (kb == null) {
            return null;
        }
        Matcher m = BARE_KB.matcher(kb.strip());
        return m.matches() ? "KB" + m.group(1) : kb.strip();
    }

    private static void require(String value, String field, EventKind kind) throws FieldException {
        if (value == null || value.isBlank()) {
            throw new FieldException(DeadLetterReason.MISSING_FIELD, field, "a " + kind + " event needs '" + field + "'");
        }
    }

    private static String optionalString(JsonNode o, String field) throws FieldException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be a string, got " + describe(n));
        }
        checkLength(field, n.textValue(), MAX_FIELD_CHARS);
        return n.textValue();
    }

    private static Boolean optionalBoolean(JsonNode o, String field) throws FieldException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be true or false, got " + describe(n));
        }
        return n.booleanValue();
    }

    private static Double optionalNumber(JsonNode o, String field) throws FieldException {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be a number, got " + describe(n));
        }
        double v = n.doubleValue();
        if (Double.isNaN(v) || Double.isInfinite(v) || v < 0) {
            throw new FieldException(DeadLetterReason.INVALID_VALUE, field, "field '" + field + "' must be a non-negative number");
        }
        return v;
    }

    private static void checkLength(String field, String value, int max) throws FieldException {
        if (value.length() > max) {
            throw new FieldException(DeadLetterReason.TOO_LARGE, field,
                    "field '" + field + "' has " + value.length() + " characters, more than the limit of " + max);
        }
    }

    private static String describe(JsonNode n) {
        if (n == null) {
            return "nothing";
        }
        JsonNodeType t = n.getNodeType();
        return switch (t) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private static boolean isBlank(byte[] payload) {
        for (byte b : payload) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonObjectAdapter.strictMapper();
            // Our own record limit applies first; lift Jackson's string limit so it never masks it.
            mapper.getFactory().setStreamReadConstraints(
                    StreamReadConstraints.builder().maxStringLength(maxRecordBytes + 1).build());
        }
        return mapper;
    }

    /** A field-level reason to refuse the record. */
    private static final class FieldException extends Exception {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;
        final String field;

        FieldException(DeadLetterReason reason, String field, String message) {
            super(message);
            this.reason = reason;
            this.field = field;
        }
    }
}
