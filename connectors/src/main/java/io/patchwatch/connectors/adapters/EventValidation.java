package io.patchwatch.connectors.adapters;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.time.Instant;

/**
 * The checks every event gets after its adapter made it and before anything uses it (its event
 * time for watermarks included), whatever format it came in: the same identity rules ({@link
 * DeviceIdentity}), the same field sizes, the same time range and the same dead-letter reasons.
 *
 * <ul>
 *   <li>Identity fields (tenant, device, site, service, kb, update id) are refused when they hold
 *       control characters or lone surrogates; free text (title, error, reason, ...) has them
 *       replaced ({@link SafeText#neutralise}), so an alert never carries them.
 *   <li>No text field is longer than {@link #MAX_TEXT_CHARS}; ids are at most {@link
 *       #MAX_ID_CHARS}: oversized fields are {@code too_large}.
 *   <li>Times before {@link #EARLIEST} (a reset CMOS clock, 1970) are {@code ts_too_old}, after
 *       year 9999 {@code ts_in_future}; how far ahead of the wall clock an event may be is the
 *       job's {@code time.max_future}, checked where the watermark is made.
 *   <li>Numbers are finite; a packet loss lies in 0-100 %.
 * </ul>
 */
public final class EventValidation {
    /** Titles are the longest legitimate fields (~200 characters); 4096 leaves room. */
    public static final int MAX_TEXT_CHARS = 4096;
    /** KBs, update GUIDs, service names, raw ids, sources, start types. */
    public static final int MAX_ID_CHARS = 256;
    /** The earliest event time accepted: 2000-01-01T00:00:00Z. */
    public static final long EARLIEST = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    /** The latest event time any format can express: 9999-12-31T23:59:59.999Z. */
    public static final long LATEST = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    private EventValidation() {}

    /**
     * @return the event as every later stage may use it (identity normalised, free text
     *     neutralised), corrected in place
     */
    public static DeviceEvent validate(DeviceEvent e) throws Refusal {
        if (e.getKind() == null || e.getKind() == EventKind.unknown) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, "kind", "the event's kind is unknown");
        }
        if (e.getTs() < EARLIEST) {
            throw new Refusal(DeadLetterReason.TS_TOO_OLD, "ts", "ts " + describe(e.getTs()) + " is before 2000-01-01 (a reset clock?)");
        }
        if (e.getTs() > LATEST) {
            throw new Refusal(DeadLetterReason.TS_IN_FUTURE, "ts", "ts " + describe(e.getTs()) + " is after the year 9999");
        }
        // The adapter's own fresh event, corrected in place: a builder copy would deep-copy the
        // enums through Avro's class lookup (slower, and refused where Avro's trusted packages are
        // not configured).
        DeviceEvent b = e;
        b.setTenant(DeviceIdentity.tenant(e.getTenant() == null ? "default" : e.getTenant()));
        b.setDevice(DeviceIdentity.device(e.getDevice()));
        b.setSite(DeviceIdentity.site(blankToNull(e.getSite())));
        b.setService(id("service", e.getService()));
        b.setKb(id("kb", e.getKb()));
        b.setUpdateId(id("update_id", e.getUpdateId()));
        b.setRawId(text("raw_id", e.getRawId(), MAX_ID_CHARS));
        b.setSource(text("source", e.getSource(), MAX_ID_CHARS));
        b.setStartType(text("start_type", e.getStartType(), MAX_ID_CHARS));
        b.setTitle(text("title", e.getTitle(), MAX_TEXT_CHARS));
        b.setError(text("error", e.getError(), MAX_TEXT_CHARS));
        b.setReason(text("reason", e.getReason(), MAX_TEXT_CHARS));
        number("rtt_ms", e.getRttMs(), Double.MAX_VALUE);
        number("loss_pct", e.getLossPct(), 100);
        switch (e.getKind()) {
            case service_state, service_failed -> {
                if (b.getService() == null) {
                    throw new Refusal(DeadLetterReason.MISSING_FIELD, "service", "a " + e.getKind() + " event needs 'service'");
                }
                if (e.getKind() == EventKind.service_state && b.getState() == null) {
                    throw new Refusal(DeadLetterReason.MISSING_FIELD, "state", "a service_state event needs 'state'");
                }
            }
            case patch_started, patch_installed, patch_failed -> {
                if (b.getUpdateId() == null && b.getKb() == null) {
                    throw new Refusal(DeadLetterReason.MISSING_FIELD, "update_id",
                            "a " + e.getKind() + " event needs 'kb' or 'update_id' to identify the update");
                }
                if (b.getUpdateId() == null) {
                    b.setUpdateId(b.getKb());
                }
            }
            case ping -> {
                if (e.getOk() == null) {
                    throw new Refusal(DeadLetterReason.MISSING_FIELD, "ok", "a ping event needs 'ok'");
                }
            }
            default -> {}
        }
        return b;
    }

    /** An identifier: refused when it holds what no identifier may hold. */
    private static String id(String field, String value) throws Refusal {
        if (value != null && SafeText.hasUnsafe(value)) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, field,
                    "field '" + field + "' holds control characters or broken Unicode: " + SafeText.quote(value));
        }
        return text(field, value, MAX_ID_CHARS);
    }

    /** Free text: bounded, neutralised, blank is absent. */
    private static String text(String field, String value, int max) throws Refusal {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new Refusal(DeadLetterReason.TOO_LARGE, field,
                    "field '" + field + "' has " + value.length() + " characters, more than the limit of " + max);
        }
        String v = SafeText.neutralise(value).strip();
        return v.isEmpty() ? null : v;
    }

    private static void number(String field, Double value, double max) throws Refusal {
        if (value != null && (value.isNaN() || value < 0 || value > max)) {
            throw new Refusal(DeadLetterReason.INVALID_VALUE, field, "field '" + field + "' must be a number from 0 to "
                    + (max == Double.MAX_VALUE ? "any" : String.valueOf((long) max)) + ", got " + value);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String describe(long ts) {
        try {
            return EventTimes.format(ts);
        } catch (RuntimeException e) {
            return ts + " ms";
        }
    }
}
