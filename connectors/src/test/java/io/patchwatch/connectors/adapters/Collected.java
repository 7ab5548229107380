package io.patchwatch.connectors.adapters;

import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What an adapter made of some records: events, dead letters and skips, for assertions. */
public final class Collected implements AdapterOutput {
    public final List<DeviceEvent> events = new ArrayList<>();
    public final List<String> deadLetters = new ArrayList<>();
    public final List<String> skipped = new ArrayList<>();
    /** Each dead letter as "reason field". */
    public final List<String> verdicts = new ArrayList<>();
    public final List<DeadLetterReason> reasons = new ArrayList<>();
    public final List<String> details = new ArrayList<>();

    public static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures", name);
    }

    public static String read(String fixture) {
        try {
            return Files.readString(fixture(fixture), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every line of a fixture through the adapter. */
    public static Collected lines(EventAdapter adapter, String fixture) {
        Collected c = new Collected();
        read(fixture).lines().filter(l -> !l.isBlank())
                .forEach(l -> adapter.parse(l.getBytes(StandardCharsets.UTF_8), fixture, EventAdapter.NO_TIMESTAMP, c));
        return c;
    }

    public static Collected one(EventAdapter adapter, String text, long recordTimestamp) {
        Collected c = new Collected();
        adapter.parse(text.getBytes(StandardCharsets.UTF_8), "test", recordTimestamp, c);
        return c;
    }

    public Map<EventKind, Integer> countsByKind() {
        Map<EventKind, Integer> m = new TreeMap<>();
        events.forEach(e -> m.merge(e.getKind(), 1, Integer::sum));
        return m;
    }

    @Override
    public void event(DeviceEvent event) {
        events.add(event);
    }

    @Override
    public void deadLetter(DeadLetterReason reason, String field, String detail) {
        deadLetters.add(reason.code() + ": " + detail);
        verdicts.add(reason.code() + " " + field);
        reasons.add(reason);
        details.add(detail);
    }

    @Override
    public void skipped(String why) {
        skipped.add(why);
    }
}
