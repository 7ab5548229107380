package io.patchwatch.jobs.replay;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events fed in the order they would arrive live ({@code --keep-order}), with the default 5 s
 * out-of-orderness bound: within the bound the order of arrival does not matter; beyond it, the
 * documented late-event behaviour applies.
 */
class ReplayArrivalOrderITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @Test
    void eventsOutOfOrderWithinTheBoundAreDecidedInEventTimeOrder() throws Exception {
        // Arrival order: the service start, then the boot, then the install. In event time the boot
        // is inside the session and Spooler started 1 s after it: no alert. Deciding in arrival
        // order would see a boot outside any session, or a service start before the boot.
        var result = Scenario.of("""
                01:00 SRV-01 service_state service=Spooler state=running
                02:00 SRV-01 heartbeat
                02:05:03 SRV-01 service_state service=Spooler state=running
                02:05:02 SRV-01 booted
                02:05:00 SRV-01 patch_installed kb=KB1
                02:05:04 SRV-01 heartbeat
                02:12 SRV-01 heartbeat
                02:20 SRV-01 heartbeat
                """).keepOrder().alerts();

        assertThat(summary(result)).isEmpty();
    }

    @Test
    void aHeartbeatInsideTheBoundBeforeTheInstallDoesNotCount() throws Exception {
        // The 02:00:01 heartbeat arrives before the 02:00:00 install: liveness is the newest signal
        // either way, so the silence starts at 02:10:01.
        var result = Scenario.of("""
                02:00:01 SRV-01 heartbeat
                02:00:00 SRV-01 patch_installed kb=KB1
                02:30 SRV-01 heartbeat
                """).keepOrder().alerts();

        assertThat(summary(result)).containsExactly(
                "02:10:01 firing offline-after-patch SRV-01 [KB1]",
                "02:30:00 resolved offline-after-patch SRV-01 [KB1]");
    }

    @Test
    void aHeartbeatLaterThanTheBoundEndsTheSilenceWhenItArrives() throws Exception {
        // The 02:08 heartbeat arrives after the 02:20 one: the watermark (02:19:55) had already
        // passed the 02:15 deadline, so the alert fired; the late heartbeat is counted as late and
        // ends the silence at the watermark, it does not erase what was already decided.
        var result = Scenario.of("""
                02:00 SRV-01 heartbeat
                02:00:30 SRV-01 patch_installed kb=KB1
                02:05 SRV-01 heartbeat
                02:20 SRV-01 heartbeat
                02:08 SRV-01 heartbeat
                02:21 SRV-01 heartbeat
                """).keepOrder().alerts();

        assertThat(summary(result)).containsExactly(
                "02:15:00 firing offline-after-patch SRV-01 [KB1]",
                "02:19:55 resolved offline-after-patch SRV-01 [KB1]");
    }
}
