package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * After a {@code booted} in an open session, a critical service is not {@code running} within M:
 * fires at boot + M ("no-start": the tracker watches each critical service and hands over a
 * {@code SERVICE_NOT_STARTED} fact when M passes); or a {@code service_failed} for it arrives within
 * M: fires at the failure ("crash"), even if the service had started (the tracker forwards only
 * failures of watched services). Resolves at a later {@code running} of that service.
 */
public final class ServiceDownAfterRebootRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String NOT_STARTED = "not-started";
    static final String FAILED = "failed";

    @Override
    public String id() {
        return RuleIds.SERVICE_DOWN_AFTER_REBOOT;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return (f.kind == FactKind.SERVICE_NOT_STARTED || f.kind == FactKind.SERVICE_FAILED) && f.windowMs == windowMs;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> noStart = Pattern.<DeviceFact>begin(NOT_STARTED)
                .where(FactConditions.kind(FactKind.SERVICE_NOT_STARTED));
        Pattern<DeviceFact, ?> crash = Pattern.<DeviceFact>begin(FAILED)
                .where(FactConditions.kind(FactKind.SERVICE_FAILED));
        return List.of(
                new RulePattern("no-start", noStart,
                        TriggerFunctions.onMatch(id(), NOT_STARTED, TriggerFunctions.Subject.SERVICE)),
                new RulePattern("crash", crash,
                        TriggerFunctions.onMatch(id(), FAILED, TriggerFunctions.Subject.SERVICE)));
    }
}
