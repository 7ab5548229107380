package io.patchwatch.connectors.adapters.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
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
 * fields before patchwatch knows them. The record is read once, as a stream of tokens into its known
 * fields ({@link CanonicalFields}), with no tree built: it is the replay's and the live job's
 * most frequent format. A patch event without {@code update_id} takes its KB as the
 * update id; one with neither is refused, since an update must be identifiable to resolve alerts.
 */
public final class CanonicalJsonAdapter implements EventAdapter {

    public static final String NAME = "canonical-json";
    public static final int DEFAULT_MAX_RECORD_BYTES = io.patchwatch.connectors.adapters.AdapterSettings.DEFAULT_MAX_RECORD_BYTES;
    /** No single string field may be longer: titles are the longest legitimate ones (~200 chars). */
    public static final int MAX_FIELD_CHARS = 4096;
    private static final int MAX_DEVICE_CHARS = 255;
    private static final Pattern KB_IN_TEXT = Pattern.compile("\\b(KB\\d{6,8})\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern BARE_KB = Pattern.compile("(?i)(?:KB)?(\\d{6,8})");

    private static final long serialVersionUID = 1L;

    private final int maxRecordBytes;
    private transient JsonFactory factory;

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
        CanonicalFields fields;
        try {
            fields = CanonicalFields.read(factory(), payload);
        } catch (JsonProcessingException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not valid JSON: " + e.getOriginalMessage());
            return;
        } catch (IOException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not readable as JSON: " + e.getMessage());
            return;
        }
        if (fields.root() != JsonToken.START_OBJECT) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "expected a JSON object, got " + CanonicalFields.describe(fields.root()));
            return;
        }
        try {
            out.event(toEvent(fields));
        } catch (FieldException e) {
            out.deadLetter(e.reason, e.field, e.getMessage());
        }
    }

    private DeviceEvent toEvent(CanonicalFields o) throws FieldException {
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

    private static long timestamp(CanonicalFields o) throws FieldException {
        CanonicalFields.Value ts = o.get(CanonicalFields.TS);
        if (ts.absentOrNull()) {
            throw new FieldException(DeadLetterReason.MISSING_FIELD, "ts", "field 'ts' is missing");
        }
        if (ts.token == JsonToken.VALUE_NUMBER_INT) {
            if (!ts.fitsLong || ts.longValue < 0) {
                throw new FieldException(DeadLetterReason.INVALID_VALUE, "ts", "field 'ts' is not valid epoch milliseconds: " + ts.text);
            }
            return ts.longValue;
        }
        if (ts.token != JsonToken.VALUE_STRING) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, "ts",
                    "field 'ts' must be an ISO-8601 string or epoch milliseconds, got " + CanonicalFields.describe(ts.token));
        }
        String text = ts.text;
        checkLength("ts", text, 64);
        try {
            return EventTimes.parseIso(text);
        } catch (DateTimeParseException e) {
            throw new FieldException(DeadLetterReason.INVALID_VALUE, "ts",
                    "field 'ts' is not ISO-8601 with an offset: '" + text + "'");
        }
    }

    private static String device(CanonicalFields o) throws FieldException {
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

    private static EventKind kind(CanonicalFields o) throws FieldException {
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

    private static ServiceState serviceState(CanonicalFields o) throws FieldException {
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

    private static String optionalString(CanonicalFields o, String field) throws FieldException {
        CanonicalFields.Value n = o.get(field);
        if (n.absentOrNull()) {
            return null;
        }
        if (n.token != JsonToken.VALUE_STRING) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be a string, got " + CanonicalFields.describe(n.token));
        }
        checkLength(field, n.text, MAX_FIELD_CHARS);
        return n.text;
    }

    private static Boolean optionalBoolean(CanonicalFields o, String field) throws FieldException {
        CanonicalFields.Value n = o.get(field);
        if (n.absentOrNull()) {
            return null;
        }
        if (n.token != JsonToken.VALUE_TRUE && n.token != JsonToken.VALUE_FALSE) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be true or false, got " + CanonicalFields.describe(n.token));
        }
        return n.token == JsonToken.VALUE_TRUE;
    }

    private static Double optionalNumber(CanonicalFields o, String field) throws FieldException {
        CanonicalFields.Value n = o.get(field);
        if (n.absentOrNull()) {
            return null;
        }
        if (n.token != JsonToken.VALUE_NUMBER_INT && n.token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new FieldException(DeadLetterReason.WRONG_TYPE, field,
                    "field '" + field + "' must be a number, got " + CanonicalFields.describe(n.token));
        }
        double v = n.doubleValue;
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

    private JsonFactory factory() {
        if (factory == null) {
            // Strict as every JSON adapter's mapper (JsonObjectAdapter.strictMapper): a key given
            // twice is an error. Our own record limit applies first; Jackson's string limit is lifted
            // so that it never masks it.
            factory = JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxRecordBytes + 1).build())
                    .build();
        }
        return factory;
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
