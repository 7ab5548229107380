package io.patchwatch.connectors.adapters;

import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.DeviceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Every adapter as the job uses it: the one validation all formats share, around the format's own
 * parsing. A record comes out as exactly one of
 *
 * <ul>
 *   <li><b>accepted</b>: its events, each passed by {@link EventValidation};
 *   <li><b>skipped</b>: valid, but nothing patchwatch uses (an unmapped event ID, a baseline);
 *   <li><b>a dead letter</b>: one, with the first reason found; none of its events is used.
 * </ul>
 *
 * so that accepted + skipped + dead letters = records read. Before the format is looked at: empty
 * records, records over the size limit and (for text formats) bytes that are not UTF-8 are refused,
 * the same way on Kafka and in replay. After it: more than {@link #MAX_EVENTS_PER_RECORD} events is
 * {@code too_large}; an adapter that throws (a bug) costs its record an {@code adapter_failure},
 * never the job. Dead-letter fields and sentences are bounded and neutralised here, once.
 */
public final class ValidatedAdapter implements EventAdapter {
    private static final long serialVersionUID = 1L;
    /**
     * The longest list a record may hold: a service inventory of a big server has a few hundred
     * services (an Icinga objects response of thousands of hosts is over 1 MiB anyway).
     */
    public static final int MAX_EVENTS_PER_RECORD = 1000;
    /** A dead letter's sentence is cut to this many characters. */
    public static final int MAX_DETAIL_CHARS = 300;

    /** What became of one record. */
    public enum Outcome { ACCEPTED, SKIPPED, DEAD_LETTER }

    private final EventAdapter inner;
    private final int maxRecordBytes;
    private final boolean text;

    private ValidatedAdapter(EventAdapter inner, int maxRecordBytes) {
        this.inner = inner;
        this.maxRecordBytes = maxRecordBytes;
        this.text = !inner.name().equals(io.patchwatch.connectors.adapters.avro.AvroEventAdapter.NAME);
    }

    /** {@code adapter} with the shared validation; an adapter that has it already is returned as is. */
    public static ValidatedAdapter of(EventAdapter adapter) {
        return of(adapter, AdapterSettings.DEFAULT_MAX_RECORD_BYTES);
    }

    public static ValidatedAdapter of(EventAdapter adapter, int maxRecordBytes) {
        return adapter instanceof ValidatedAdapter v ? v : new ValidatedAdapter(adapter, maxRecordBytes);
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** The format's memory between records, if it has one (see {@link AdapterMemory}). */
    public AdapterMemory memory() {
        return inner instanceof AdapterMemory m ? m : null;
    }

    @Override
    public void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
        parseRecord(payload, origin, recordTimestamp, out);
    }

    /** {@link #parse}, saying what became of the record. */
    public Outcome parseRecord(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
        return verdict(payload, origin, recordTimestamp).deliverTo(out);
    }

    /**
     * What becomes of a record, kept to be handed on later, once or more: a Kafka source reads its
     * event time and the parser chained behind it hands on its events ({@link RawRecord#verdict}),
     * a replay parses records ahead on other threads.
     */
    public Verdict verdict(byte[] payload, String origin, long recordTimestamp) {
        Collected c = new Collected();
        try {
            if (payload == null || payload.length == 0) {
                c.deadLetter(DeadLetterReason.EMPTY, null, "empty record");
            } else if (payload.length > maxRecordBytes) {
                c.deadLetter(DeadLetterReason.TOO_LARGE, null,
                        "record of " + payload.length + " bytes exceeds the limit of " + maxRecordBytes + " bytes");
            } else {
                int invalid = text ? Utf8.firstInvalidByte(payload) : -1;
                if (invalid >= 0) {
                    c.deadLetter(DeadLetterReason.MALFORMED, null, "not valid UTF-8 (at byte " + invalid + ")");
                } else {
                    inner.parse(payload, origin, recordTimestamp, c);
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Adapters must not throw; if one does, its record is a dead letter and the job goes on.
            c.failure = inner.name() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return c.verdict();
    }

    /**
     * What became of one record: accepted with its events, skipped, or one dead letter, its field
     * and sentence bounded and neutralised.
     */
    public static final class Verdict {
        private final Outcome outcome;
        private final List<DeviceEvent> events;
        private final DeadLetterReason reason;
        private final String field;
        private final String detail;

        private Verdict(Outcome outcome, List<DeviceEvent> events, DeadLetterReason reason, String field, String detail) {
            this.outcome = outcome;
            this.events = events;
            this.reason = reason;
            this.field = field;
            this.detail = detail;
        }

        public Outcome outcome() {
            return outcome;
        }

        /** The events of an accepted record (empty otherwise); the caller may change them. */
        public List<DeviceEvent> events() {
            return events;
        }

        /** A dead letter's reason, or null. */
        public DeadLetterReason reason() {
            return reason;
        }

        public String field() {
            return field;
        }

        /** A dead letter's sentence; for a skipped record, why. */
        public String detail() {
            return detail;
        }

        /** Hands the verdict on: its events, its dead letter, or that it was skipped. */
        public Outcome deliverTo(AdapterOutput out) {
            switch (outcome) {
                case ACCEPTED -> events.forEach(out::event);
                case SKIPPED -> out.skipped(detail);
                default -> out.deadLetter(reason, field, detail);
            }
            return outcome;
        }
    }

    /** Collects what the format's adapter made of a record, then gives one verdict. */
    private static final class Collected implements AdapterOutput {
        final List<DeviceEvent> events = new ArrayList<>();
        DeadLetterReason reason;
        String field;
        String detail;
        String failure;
        boolean skipped;
        int overflow;

        @Override
        public void event(DeviceEvent event) {
            if (events.size() < MAX_EVENTS_PER_RECORD) {
                events.add(event);
            } else {
                overflow++;
            }
        }

        @Override
        public void deadLetter(DeadLetterReason reason, String field, String detail) {
            if (this.reason == null) {
                this.reason = reason;
                this.field = field;
                this.detail = detail;
            }
        }

        @Override
        public void skipped(String why) {
            skipped = true;
        }

        Verdict verdict() {
            if (failure != null) {
                return refuse(DeadLetterReason.ADAPTER_FAILURE, null, failure);
            }
            if (reason != null) {
                return refuse(reason, field, detail);
            }
            if (overflow > 0) {
                return refuse(DeadLetterReason.TOO_LARGE, null, "the record holds " + (MAX_EVENTS_PER_RECORD + overflow)
                        + " events, more than the limit of " + MAX_EVENTS_PER_RECORD);
            }
            if (events.isEmpty()) {
                return new Verdict(Outcome.SKIPPED, List.of(), null, null, skipped ? "nothing patchwatch uses" : "no events");
            }
            List<DeviceEvent> valid = new ArrayList<>(events.size());
            for (DeviceEvent e : events) {
                try {
                    valid.add(EventValidation.validate(e));
                } catch (Refusal r) {
                    return refuse(r.reason(), r.field(), r.getMessage());
                }
            }
            return new Verdict(Outcome.ACCEPTED, valid, null, null, null);
        }

        private static Verdict refuse(DeadLetterReason reason, String field, String detail) {
            return new Verdict(Outcome.DEAD_LETTER, List.of(), reason, SafeText.forDisplay(field, 64),
                    SafeText.forDisplay(detail == null ? reason.code() : detail, MAX_DETAIL_CHARS));
        }
    }
}
