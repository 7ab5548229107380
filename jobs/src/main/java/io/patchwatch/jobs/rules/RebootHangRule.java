package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * {@code reboot_initiated} in an open session and no {@code booted} within B: fires at initiated + B,
 * resolves at the boot. The tracker watches the deadline with its one timer and hands over a
 * {@code REBOOT_HUNG} fact only when it passes, so CEP sees problems, not every restart.
 */
public final class RebootHangRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String HUNG = "hung";

    @Override
    public String id() {
        return RuleIds.REBOOT_HANG;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.REBOOT_HUNG && f.windowMs == windowMs;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(HUNG).where(FactConditions.kindInSession(FactKind.REBOOT_HUNG));
        return List.of(new RulePattern("", p, TriggerFunctions.onMatch(id(), HUNG, TriggerFunctions.Subject.NONE)));
    }
}
