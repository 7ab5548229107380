package io.patchwatch.connectors.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.patchwatch.connectors.adapters.nagios.NagiosHostCheckAdapter;
import io.patchwatch.connectors.adapters.ping.PingOutputAdapter;
import io.patchwatch.connectors.adapters.windows.WindowsXmlAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Outputs crafted to make a back-tracking regular expression take quadratic time (a run of digits
 * with no "packets transmitted" after it, a megabyte of colons, perfdata without '='): each of these
 * took minutes with the old patterns. Parsed in linear time they take milliseconds; the bound here
 * is far above that and far below quadratic, so the test says "linear", not "fast".
 */
class LinearParsingTest {
    private static final Duration BOUND = Duration.ofSeconds(3);
    private static final int SIZE = 900_000;
    private static final long TIMET = 1_794_276_200L;

    @Test
    void craftedPingOutputs() {
        parsesQuickly(PingOutputAdapter.NAME, () -> "PING x\n" + "1".repeat(SIZE) + " packets");
        parsesQuickly(PingOutputAdapter.NAME, () -> ":".repeat(SIZE));
        parsesQuickly(PingOutputAdapter.NAME, () -> ": a = 1, ".repeat(SIZE / 9));
        parsesQuickly(PingOutputAdapter.NAME, () -> "= " + "1.".repeat(SIZE / 2));
        parsesQuickly(PingOutputAdapter.NAME, () -> "PING" + " ".repeat(SIZE));
        parsesQuickly(PingOutputAdapter.NAME, () -> "3 packets transmitted, 3 received, 0% packet loss\n"
                + "--- " + "a".repeat(SIZE));
    }

    @Test
    void craftedNagiosOutputs() {
        String line = "[HOSTPERFDATA]\t" + TIMET + "\tSRV-01\t0.1\tPING OK - x\t";
        parsesQuickly(NagiosHostCheckAdapter.NAME, () -> line + "a".repeat(SIZE));
        parsesQuickly(NagiosHostCheckAdapter.NAME, () -> line + "'a".repeat(SIZE / 2));
        parsesQuickly(NagiosHostCheckAdapter.NAME, () -> line + "a=".repeat(SIZE / 2));
        parsesQuickly(NagiosHostCheckAdapter.NAME, () -> "[HOSTPERFDATA]\t" + TIMET + "\tSRV-01\t0.1\t" + "A".repeat(SIZE) + "\t");
        // A perfdata value without a number used to throw out of the adapter.
        Collected c = new Collected();
        Adapters.create(NagiosHostCheckAdapter.NAME, AdapterSettings.defaults())
                .parse((line + "rta=.ms pl=-%").getBytes(StandardCharsets.UTF_8), "t", EventAdapter.NO_TIMESTAMP, c);
        assertThat(c.events).singleElement().satisfies(e -> assertThat(e.getRttMs()).isNull());
    }

    @Test
    void craftedWindowsEventXml() {
        parsesQuickly(WindowsXmlAdapter.NAME, () -> "<Event><System><Provider Name=\"EventLog\"/><EventID>6005</EventID>"
                + "<TimeCreated SystemTime=\"2026-11-10T00:00:00Z\"/><Computer>A</Computer></System><EventData><Data>"
                + "&lt;string&gt;".repeat(SIZE / 16) + "</Data></EventData></Event>");
    }

    private static void parsesQuickly(String format, Supplier<String> input) {
        byte[] payload = input.get().getBytes(StandardCharsets.UTF_8);
        EventAdapter adapter = Adapters.create(format, AdapterSettings.defaults());
        Collected c = new Collected();
        assertTimeoutPreemptively(BOUND, () -> adapter.parse(payload, "crafted", TIMET * 1000, c), format);
        assertThat(c.events.size() + c.deadLetters.size() + c.skipped.size()).as("one verdict").isEqualTo(1);
    }
}
