package io.patchwatch.jobs.replay;

import static io.patchwatch.jobs.support.Scenario.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real-world input formats through the whole job. */
class ReplayFormatsITCase {
    private static final Path FIXTURES = Path.of("../connectors/src/test/resources/fixtures");

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @Test
    void theDesktopEventLogRaisesOnePatchFailedAlertPerFailedAttempt() throws Exception {
        Replay.Result r = replay("windows-xml", FIXTURES.resolve("windows/system-desktop-2kgm189.xml"));

        // Four attempts at KB4025342 in four patch sessions, and December's MSRT; none of them was
        // installed later in this log, so none resolves. A log without heartbeats never goes silent.
        assertThat(r.deadLetters()).isEmpty();
        assertThat(r.alerts()).extracting(a -> a.getRule() + " " + a.getStatus() + " " + a.getKbs() + " " + a.getDevice())
                .containsExactly(
                        "patch-failed firing [KB4025342] WIN-P4SIAA0SQCO",
                        "patch-failed firing [KB4025342] WIN-P4SIAA0SQCO",
                        "patch-failed firing [KB4025342] WIN-P4SIAA0SQCO",
                        "patch-failed firing [KB4025342] WIN-P4SIAA0SQCO",
                        "patch-failed firing [KB890830] WIN-P4SIAA0SQCO");
        assertThat(r.alerts().get(0).getContext().getError()).isEqualTo("0x80248007");
        assertThat(r.alerts().stream().map(Alert::getDedupKey).distinct()).hasSize(5);
    }

    @Test
    void aFailedUpdateThatInstallsOnTheRetryResolves() throws Exception {
        Replay.Result r = replay("windows-xml", FIXTURES.resolve("windows/patch-retry-patchwatch.xml"));

        assertThat(summary(r.alerts())).containsExactly(
                "02:05:00 firing patch-failed SRV-01 [KB5044284]",
                "d2/02:06:00 resolved patch-failed SRV-01 [KB5044284]",
                "d2/02:09:11 firing unexpected-shutdown-after-patch SRV-01 [KB5044284]");
        assertThat(r.alerts().get(1).getStatus()).isEqualTo(AlertStatus.resolved);
    }

    private static Replay.Result replay(String format, Path... files) throws Exception {
        var adapter = Adapters.create(format, AdapterSettings.defaults().withTenant("lab", null));
        return Replay.run(PatchwatchMiniCluster.environment(), Replay.readRecords(List.of(files), Adapters.multiLine(format)),
                false, adapter, JobSettings.replay(Long.MAX_VALUE), RuleSet.defaults(), Inventory.empty(), null);
    }
}
