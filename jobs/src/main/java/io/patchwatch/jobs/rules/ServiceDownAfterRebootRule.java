package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * After a {@code booted} in an open session, a critical service (one watch fact per service from the
 * tracker) is not {@code running} within M: fires at boot + M ("no-start", a CEP timeout); or a
 * {@code service_failed} for it arrives within M: fires at the failure ("crash"), even if the service
 * had started. Resolves at a later {@code running} of that service.
 */
public final class ServiceDownAfterRebootRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String WATCH = "watch";
    static final String RUNNING = "running";
    static final String FAILED = "failed";

    @Override
    public String id() {
        return RuleIds.SERVICE_DOWN_AFTER_REBOOT;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return (f.kind == FactKind.SERVICE_WATCH || f.kind == FactKind.SERVICE_RUNNING || f.kind == FactKind.SERVICE_FAILED)
                && f.windowMs == windowMs;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> noStart = Pattern.<DeviceFact>begin(WATCH)
                .where(FactConditions.kind(FactKind.SERVICE_WATCH))
                .followedBy(RUNNING)
                .where(FactConditions.sameService(FactKind.SERVICE_RUNNING, WATCH))
                .within(Duration.ofMillis(windowMs));
        Pattern<DeviceFact, ?> crash = Pattern.<DeviceFact>begin(WATCH)
                .where(FactConditions.kind(FactKind.SERVICE_WATCH))
                .followedBy(FAILED)
                .where(FactConditions.sameService(FactKind.SERVICE_FAILED, WATCH))
                .within(Duration.ofMillis(windowMs));
        return List.of(
                new RulePattern("no-start", noStart,
                        TriggerFunctions.onTimeout(id(), WATCH, windowMs, TriggerFunctions.Subject.SERVICE)),
                new RulePattern("crash", crash,
                        TriggerFunctions.onMatch(id(), FAILED, TriggerFunctions.Subject.SERVICE)));
    }
}
