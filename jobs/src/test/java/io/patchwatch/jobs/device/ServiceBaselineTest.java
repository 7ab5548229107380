package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;

import static io.patchwatch.jobs.support.Events.at;
import static io.patchwatch.jobs.support.Events.booted;
import static io.patchwatch.jobs.support.Events.event;
import static io.patchwatch.jobs.support.Events.heartbeat;
import static io.patchwatch.jobs.support.Events.installed;
import static io.patchwatch.jobs.support.Events.ping;
import static io.patchwatch.jobs.support.Events.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.JobTags;
import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A device's learned critical services ({@link ServiceBaseline}). */
class ServiceBaselineTest extends TrackerHarness {
    @Test
    void aBootInSessionCarriesTheCriticalServicesAndItsDeadlineComesAtBootPlusM() throws Exception {
        send(service("SRV-01", "01:00", "Spooler", ServiceState.running));
        send(service("SRV-01", "01:00", "W3SVC", ServiceState.running));
        send(service("SRV-01", "01:00", "Old", ServiceState.stopped));
        send(installed("SRV-01", "02:00", "KB1", true));
        send(booted("SRV-01", "02:10"));
        send(service("SRV-01", "02:12", "W3SVC", ServiceState.running));
        harness.processWatermark(at("02:19:59"));
        DeviceFact boot = facts().stream().filter(f -> f.kind == FactKind.BOOTED).findFirst().orElseThrow();
        assertThat(boot.critical).as("the learned baseline: running before the session").containsExactlyInAnyOrder("Spooler", "W3SVC");
        assertThat(boot.kbs).containsExactly("KB1");
        assertThat(facts()).as("the running service may continue the boot's match").extracting(f -> f.kind)
                .containsExactly(FactKind.PATCH_INSTALLED, FactKind.BOOTED, FactKind.SERVICE_STATE);
        assertThat(harness.numEventTimeTimers()).as("one timer for session, deadlines and silence").isEqualTo(1);

        assertThat(resolutions()).as("nothing can have fired yet: nothing to resolve").isEmpty();

        harness.processWatermark(at("02:21"));
        List<DeviceFact> deadlines = facts().stream().filter(f -> f.kind == FactKind.DEADLINE).toList();
        assertThat(deadlines).as("one per critical service; W3SVC ran at 02:12, so only the Spooler's is left")
                .extracting(f -> f.subject).containsExactly("Spooler");
        assertThat(deadlines.get(0).ts).as("boot + M").isEqualTo(at("02:20"));
        assertThat(deadlines.get(0).anchor).isEqualTo(at("02:10"));

        // A deadline passed, so an incident may be open: a running service may resolve it.
        send(service("SRV-01", "02:25", "Spooler", ServiceState.running));
        harness.processWatermark(at("02:26"));
        assertThat(resolutions()).extracting(f -> f.kind, f -> f.service)
                .contains(org.assertj.core.groups.Tuple.tuple(FactKind.SERVICE_STATE, "Spooler"));
    }

    @Test
    void aFeedCannotGrowADevicesServicesOrKbsWithoutBound() throws Exception {
        // A sender that calls a thousand names "running": only the first MAX_LEARNED_SERVICES become critical.
        for (int i = 0; i < 1000; i++) {
            send(service("SRV-01", "01:00", "Svc" + i, ServiceState.running));
        }
        for (int i = 0; i < PatchSession.MAX_KBS + 30; i++) {
            send(installed("SRV-01", "02:00", "KB" + (1000000 + i), true));
        }
        send(booted("SRV-01", "02:10"));
        harness.processWatermark(at("02:21"));

        DeviceFact boot = facts().stream().filter(f -> f.kind == FactKind.BOOTED).findFirst().orElseThrow();
        assertThat(boot.critical).hasSize(DeviceTracker.MAX_LEARNED_SERVICES);
        assertThat(boot.kbs).hasSize(PatchSession.MAX_KBS);
        assertThat(boot.moreKbs).isEqualTo(30);
    }

    @Test
    void onlyServicesSeenRunningWithinTheLookbackBeforeTheSessionAreCritical() throws Exception {
        DeviceEvent longAgo = service("SRV-01", "01:00", "Fax", ServiceState.running);
        longAgo.setTs(at("01:00") - Duration.ofHours(48).toMillis());
        send(longAgo);
        send(service("SRV-01", "01:00", "Spooler", ServiceState.running));
        send(heartbeat("SRV-01", "01:59"));
        send(installed("SRV-01", "02:00", "KB1", true));
        // Started only once the session was open: not part of the baseline.
        send(service("SRV-01", "02:03", "Updater", ServiceState.running));
        send(booted("SRV-01", "02:10"));
        harness.processWatermark(at("02:11"));

        DeviceFact boot = facts().stream().filter(f -> f.kind == FactKind.BOOTED).findFirst().orElseThrow();
        assertThat(boot.critical).as("Fax ran 49 h before the session, beyond baseline_lookback (24h)")
                .containsExactly("Spooler");
    }
}
