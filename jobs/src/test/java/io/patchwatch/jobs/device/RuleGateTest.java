package io.patchwatch.jobs.device;

import static io.patchwatch.jobs.support.Events.at;
import static io.patchwatch.jobs.support.Events.event;
import static io.patchwatch.jobs.support.Events.heartbeat;
import static io.patchwatch.jobs.support.Events.installed;
import static io.patchwatch.jobs.support.Events.ping;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.schemas.EventKind;
import org.junit.jupiter.api.Test;

/** What leaves the tracker ({@link RuleGate}): only facts a compiled rule can use, stamped for CEP. */
class RuleGateTest extends TrackerHarness {

    @Test
    void aOneShotRuleStartsAtTheSessionsFirstMatchingFactOnly() throws Exception {
        send(heartbeat("SRV-01", "01:59"));
        send(installed("SRV-01", "02:00", "KB1", true));
        send(installed("SRV-01", "02:30", "KB2", true));
        // The session closed at 06:30: the next install opens another, where the rule starts again.
        send(installed("SRV-01", "07:00", "KB3", true));
        harness.processWatermark(at("07:01"));

        assertThat(facts()).filteredOn(f -> f.kind == FactKind.PATCH_INSTALLED)
                .as("reboot-pending-too-long starts at the first reboot-requiring install of each session")
                .extracting(f -> f.ts, f -> f.firstStartOf.length > 0 && f.startsFirst("reboot-pending-too-long"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(at("02:00"), true),
                        org.assertj.core.groups.Tuple.tuple(at("07:00"), true));
    }

    @Test
    void factsNoRuleCanUseStayInTheTrackerAndThoseThatLeaveCarryTheirRulesVersion() throws Exception {
        send(heartbeat("SRV-01", "01:59"));
        send(event("SRV-01", EventKind.patch_started, "02:00").setKb("KB1").build());
        send(ping("SRV-01", "02:00:30", true));
        send(installed("SRV-01", "02:01", "KB1", false));
        send(event("SRV-01", EventKind.reboot_initiated, "02:02").build());
        harness.processWatermark(at("02:03"));

        assertThat(facts()).as("no rule uses patch_started or a healthy ping; a restart in session starts reboot-hang")
                .extracting(f -> f.kind).containsExactly(FactKind.REBOOT_INITIATED);
        DeviceFact restart = facts().get(0);
        assertThat(restart.rulesVersion).as("the job's own file: nothing published").isZero();
        assertThat(restart.firstStartOf).isEmpty();
    }
}
