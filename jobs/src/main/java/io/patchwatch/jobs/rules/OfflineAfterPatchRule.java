package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * A monitored device goes silent while a patch session is open; fires at lastSignal + N. The
 * tracker's timer finds the silence (heartbeats never reach CEP), so the pattern is a single step.
 * Resolves at the next liveness signal.
 */
public final class OfflineAfterPatchRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String SILENT = "silent";

    @Override
    public String id() {
        return RuleIds.OFFLINE_AFTER_PATCH;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.DEVICE_SILENT;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(SILENT)
                .where(FactConditions.kindInSession(FactKind.DEVICE_SILENT));
        return List.of(new RulePattern("", p, TriggerFunctions.onMatch(id(), SILENT, TriggerFunctions.Subject.NONE)));
    }
}
