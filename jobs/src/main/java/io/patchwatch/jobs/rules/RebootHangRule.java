package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.time.Duration;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/**
 * {@code reboot_initiated} in an open session and no {@code booted} within B: fires at initiated + B
 * (the CEP timeout of "initiated, followed by booted, within B"), resolves at the boot.
 */
public final class RebootHangRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String INITIATED = "initiated";
    static final String BOOTED = "booted";

    @Override
    public String id() {
        return RuleIds.REBOOT_HANG;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.BOOTED || (f.kind == FactKind.REBOOT_INITIATED && f.windowMs == windowMs);
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(INITIATED)
                .where(FactConditions.kindInSession(FactKind.REBOOT_INITIATED))
                .followedBy(BOOTED)
                .where(FactConditions.kind(FactKind.BOOTED))
                .within(Duration.ofMillis(windowMs));
        return List.of(new RulePattern("", p,
                TriggerFunctions.onTimeout(id(), INITIATED, windowMs, TriggerFunctions.Subject.NONE)));
    }
}
