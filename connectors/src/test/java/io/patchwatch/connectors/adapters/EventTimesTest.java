package io.patchwatch.connectors.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The common ISO-8601 form read by hand decides exactly as the formatter it stands in for. */
class EventTimesTest {

    @Test
    void theCommonFormReadsAsTheFormatterReadsIt() {
        for (String text : List.of("2026-11-10T02:03:00Z", "2026-11-10T02:03:00.123Z", "2026-11-10T02:03:00.1+01:00",
                "2026-11-10T02:03:00.123456789-05:30", "1969-12-31T23:59:59.999Z", "2024-02-29T00:00:00Z", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999+17:59", "1970-01-01T00:00:00-00:00")) {
            assertThat(EventTimes.parseCommonIso(text)).as(text).isNotEqualTo(EventTimes.NOT_COMMON).isEqualTo(formatter(text));
        }
    }

    @Test
    void whatTheCommonFormDoesNotCoverIsLeftToTheFormatterWhichStillDecidesIt() {
        for (String text : List.of("2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-31T00:00:00Z", "2026-11-10T24:00:00Z",
                "2026-11-10T02:60:00Z", "2026-11-10T02:03:60Z", "2026-11-10t02:03:00Z", "2026-11-10T02:03:00z", "2026-11-10T02:03Z",
                "2026-11-10T02:03:00+18:00", "2026-11-10T02:03:00+01:00:30", "2026-11-10T02:03:00.Z", "2026-11-10T02:03:00.1234567890Z",
                "+12026-11-10T02:03:00Z", "2026-11-10T02:03:00", "2026-11-10 02:03:00Z", "2026-11-10T02:03:00+0100", "２026-11-10T02:03:00Z")) {
            assertThat(EventTimes.parseCommonIso(text)).as(text).isEqualTo(EventTimes.NOT_COMMON);
        }
        assertThat(EventTimes.parseIso("2026-11-10T02:03Z")).isEqualTo(Instant.parse("2026-11-10T02:03:00Z").toEpochMilli());
    }

    @Test
    void randomTextsNearTheCommonFormAreDecidedAsTheFormatterDecidesThem() {
        Random random = new Random(7);
        String alphabet = "0123456789-:T.Z+z ";
        int common = 0;
        for (int i = 0; i < 200_000; i++) {
            char[] c = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14), random.nextInt(33),
                    random.nextInt(26), random.nextInt(62), random.nextInt(62),
                    random.nextBoolean() ? "" : "." + "123456789012".substring(0, random.nextInt(12)),
                    switch (random.nextInt(4)) {
                        case 0 -> "Z";
                        case 1 -> String.format("+%02d:%02d", random.nextInt(20), random.nextInt(61));
                        case 2 -> String.format("-%02d:%02d", random.nextInt(20), random.nextInt(61));
                        default -> "";
                    }).toCharArray();
            if (random.nextInt(4) == 0) {
                c[random.nextInt(c.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String text = new String(c);
            long fast = EventTimes.parseCommonIso(text);
            if (fast != EventTimes.NOT_COMMON) {
                common++;
                assertThat(fast).as(text).isEqualTo(formatter(text));
            }
        }
        assertThat(common).as("the sample reaches the common form often").isGreaterThan(10_000);
    }

    /** What parseIso answered before the common form was read by hand. */
    private static Long formatter(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
