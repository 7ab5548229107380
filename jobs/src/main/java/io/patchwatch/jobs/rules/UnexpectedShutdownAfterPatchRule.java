package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.config.RuleIds;
import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;

/** An {@code unexpected_shutdown} inside an open patch session; fires at its time, never resolves. */
public final class UnexpectedShutdownAfterPatchRule implements PostPatchRule {
    private static final long serialVersionUID = 1L;
    static final String SHUTDOWN = "shutdown";

    @Override
    public String id() {
        return RuleIds.UNEXPECTED_SHUTDOWN_AFTER_PATCH;
    }

    @Override
    public boolean accepts(DeviceFact f, long windowMs) {
        return f.kind == FactKind.UNEXPECTED_SHUTDOWN;
    }

    @Override
    public List<RulePattern> patterns(long windowMs) {
        Pattern<DeviceFact, ?> p = Pattern.<DeviceFact>begin(SHUTDOWN)
                .where(FactConditions.kindInSession(FactKind.UNEXPECTED_SHUTDOWN));
        return List.of(new RulePattern("", p, TriggerFunctions.onMatch(id(), SHUTDOWN, TriggerFunctions.Subject.NONE)));
    }
}
