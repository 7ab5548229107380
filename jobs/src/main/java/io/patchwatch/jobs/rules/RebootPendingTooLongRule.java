package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * {@code patch_installed} with reboot_required and no {@code booted} within P: fires at install + P,
 * resolves at the boot. P (24 h) outlasts the session, so the tracker keeps the watch beyond it and
 * hands over a {@code REBOOT_STILL_PENDING} fact only when the deadline passes.
 */
public final class RebootPendingTooLongRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String PENDING = "pending";

    @Override
    public String id() {
        return RuleIds.REBOOT_PENDING_TOO_LONG;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.REBOOT_STILL_PENDING && f.windowMs == windowMs;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(PENDING).where(FactConditions.kind(FactKind.REBOOT_STILL_PENDING));
        return List.of(new RulePattern("", p, TriggerFunctions.onMatch(id(), PENDING, TriggerFunctions.Subject.NONE)));
    }
}
