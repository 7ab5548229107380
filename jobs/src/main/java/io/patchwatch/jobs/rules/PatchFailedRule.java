package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/** A {@code patch_failed}; fires at its time, resolves at a later install of the same update. */
public final class PatchFailedRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String FAILED = "failed";

    @Override
    public String id() {
        return RuleIds.PATCH_FAILED;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.PATCH_FAILED;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(FAILED).where(FactConditions.kind(FactKind.PATCH_FAILED));
        return List.of(new RulePattern("", p, TriggerFunctions.onMatch(id(), FAILED, TriggerFunctions.Subject.UPDATE)));
    }
}
