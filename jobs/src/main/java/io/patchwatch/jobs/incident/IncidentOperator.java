package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.VersionedOperator;
import io.patchwatch.schemas.Alert;
import java.util.List;
import org.apache.flink.streaming.api.TimerService;

/**
 * Runs {@link IncidentManager}: live, for every device whose firing incident's rule a new version
 * disables, it schedules that incident's resolve.
 */
public final class IncidentOperator extends VersionedOperator<Trigger, Alert> {
    private static final long serialVersionUID = 1L;
    private final IncidentManager incidents;

    public IncidentOperator(IncidentManager incidents, boolean stopAtEnd) {
        super(incidents, stopAtEnd, "incidents");
        this.incidents = incidents;
    }

    @Override
    protected RuleVersions versions() {
        return incidents.versions();
    }

    @Override
    protected List<String> keyedStates() {
        return List.of(IncidentManager.States.INCIDENTS.getName());
    }

    @Override
    protected void changed(String key, TimerService timers, long notBefore) throws Exception {
        incidents.rulesChanged(key, timers, notBefore);
    }
}
