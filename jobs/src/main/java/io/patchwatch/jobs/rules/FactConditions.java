package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import io.patchwatch.jobs.device.FactKind;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/** The CEP conditions the rules are made of. */
final class FactConditions {
    private FactConditions() {}

    static SimpleCondition<DeviceFact> kind(FactKind kind) {
        return new KindCondition(kind, false);
    }

    /** A fact of this kind that happened while a patch session was open. */
    static SimpleCondition<DeviceFact> kindInSession(FactKind kind) {
        return new KindCondition(kind, true);
    }

    /** A fact of this kind about the same service as the event matched as {@code startStep}. */

    private static final class KindCondition extends SimpleCondition<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final FactKind kind;
        private final boolean inSession;

        KindCondition(FactKind kind, boolean inSession) {
            this.kind = kind;
            this.inSession = inSession;
        }

        @Override
        public boolean filter(DeviceFact f) {
            return f.kind == kind && (!inSession || f.inSession);
        }
    }
}
