package io.patchwatch.connectors.adapters.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.EventValidation;
import io.patchwatch.connectors.adapters.ValidatedAdapter;
import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.adapters.icinga.IcingaAdapter;
import io.patchwatch.connectors.adapters.nagios.NagiosHostCheckAdapter;
import io.patchwatch.connectors.adapters.ping.PingOutputAdapter;
import io.patchwatch.connectors.adapters.rmm.RmmJsonAdapter;
import io.patchwatch.connectors.adapters.rmm.TacticalRmmAdapter;
import io.patchwatch.connectors.adapters.windows.WindowsXmlAdapter;
import io.patchwatch.connectors.adapters.windows.WinlogbeatAdapter;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.schemas.DeviceEvent;
import java.util.HashMap;
import java.util.Map;

/**
 * Coverage-guided fuzz tests, one per input format, with a seed corpus from the fixtures
 * ({@code AdapterFuzzTestInputs/<method>/}). In a normal test run (regression mode) each runs its
 * seeds; with {@code JAZZER_FUZZ=1} Jazzer fuzzes one of them for its {@code maxDuration}
 * ({@code .ci/fuzz} runs each in turn). Whatever the bytes, an adapter must give exactly one verdict
 * without throwing (an {@code adapter_failure} is a finding: it means an adapter bug), and every
 * event it lets through must obey the shared validation. A hang or an allocation without bound is a
 * finding too (Jazzer's timeout and the test JVM's heap).
 */
class AdapterFuzzTest {
    private static final long RECORD_TIME = 1_794_276_200_000L;
    private static final Map<String, ValidatedAdapter> ADAPTERS = new HashMap<>();

    @FuzzTest(maxDuration = "30s")
    void canonicalJson(byte[] input) {
        check(CanonicalJsonAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void avro(byte[] input) {
        check(AvroEventAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void windowsXml(byte[] input) {
        check(WindowsXmlAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void winlogbeat(byte[] input) {
        check(WinlogbeatAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void rmmJson(byte[] input) {
        check(RmmJsonAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void tacticalRmm(byte[] input) {
        check(TacticalRmmAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void ping(byte[] input) {
        check(PingOutputAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void nagios(byte[] input) {
        check(NagiosHostCheckAdapter.NAME, input);
    }

    @FuzzTest(maxDuration = "30s")
    void icinga2(byte[] input) {
        check(IcingaAdapter.NAME, input);
    }

    private static void check(String format, byte[] input) {
        ValidatedAdapter adapter = ADAPTERS.computeIfAbsent(format,
                f -> (ValidatedAdapter) Adapters.create(f, AdapterSettings.defaults().withTenant("fuzz", null)));
        Verdicts v = new Verdicts();
        ValidatedAdapter.Outcome outcome = adapter.parseRecord(input, "fuzz", RECORD_TIME, v);
        if (v.failure != null) {
            throw new IllegalStateException(format + " threw on its input: " + v.failure);
        }
        int verdicts = (v.events > 0 ? 1 : 0) + v.deadLetters + v.skipped;
        if (verdicts != 1 || (outcome == ValidatedAdapter.Outcome.ACCEPTED) != (v.events > 0)) {
            throw new IllegalStateException(format + ": " + v.events + " events, " + v.deadLetters + " dead letters, "
                    + v.skipped + " skips for one record (" + outcome + ")");
        }
        if (v.badEvent != null) {
            throw new IllegalStateException(format + " let an invalid event through: " + v.badEvent);
        }
    }

    private static final class Verdicts implements AdapterOutput {
        int events;
        int deadLetters;
        int skipped;
        String failure;
        String badEvent;

        @Override
        public void event(DeviceEvent e) {
            events++;
            boolean identity = e.getDevice().contains("/") || e.getTenant().contains("/") || SafeText.hasUnsafe(e.getDevice())
                    || SafeText.hasUnsafe(e.getTenant()) || (e.getTitle() != null && SafeText.hasUnsafe(e.getTitle()))
                    || (e.getError() != null && SafeText.hasUnsafe(e.getError()));
            boolean time = e.getTs() < EventValidation.EARLIEST || e.getTs() > EventValidation.LATEST;
            if (identity || time) {
                badEvent = e.toString();
            }
        }

        @Override
        public void deadLetter(DeadLetterReason reason, String field, String detail) {
            deadLetters++;
            if (reason == DeadLetterReason.ADAPTER_FAILURE) {
                failure = detail;
            }
            if (detail.length() > ValidatedAdapter.MAX_DETAIL_CHARS + 40 || SafeText.hasUnsafe(detail)) {
                badEvent = "an unbounded or unsafe dead-letter detail: " + detail.length() + " characters";
            }
        }

        @Override
        public void skipped(String why) {
            skipped++;
        }
    }
}
