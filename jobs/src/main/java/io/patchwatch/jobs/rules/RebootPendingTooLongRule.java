package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * {@code patch_installed} with reboot_required and no {@code booted} within P: fires at install + P,
 * resolves at the boot. P (24 h) outlasts the session, so boots reach this rule in or out of one.
 */
public final class RebootPendingTooLongRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String INSTALLED = "installed";
    static final String BOOTED = "booted";

    @Override
    public String id() {
        return RuleIds.REBOOT_PENDING_TOO_LONG;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.BOOTED
                || (f.kind == FactKind.PATCH_INSTALLED && f.rebootRequired && f.windowMs == windowMs);
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(INSTALLED)
                .where(FactConditions.kind(FactKind.PATCH_INSTALLED))
                .followedBy(BOOTED)
                .where(FactConditions.kind(FactKind.BOOTED))
                .within(Duration.ofMillis(windowMs));
        return List.of(new RulePattern("", p,
                TriggerFunctions.onTimeout(id(), INSTALLED, windowMs, TriggerFunctions.Subject.NONE)));
    }
}
