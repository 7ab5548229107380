package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.inventory.Inventory;
import java.util.Iterator;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/** The conditions of a compiled pattern's CEP steps. */
final class CepConditions {
    private CepConditions() {}

    static DeviceFact firstOf(IterativeCondition.Context<DeviceFact> ctx, String step) throws Exception {
        Iterator<DeviceFact> it = ctx.getEventsForPattern(step).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** A step's condition, with the subject, {@code same}, one-shot and the device's own window. */
    static final class StepCondition extends IterativeCondition<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final CompiledPattern pattern;
        private final CompiledStep step;
        /** The first step's name, or null for the first step itself. */
        private final String first;
        private final RuleSet set;
        private final Inventory inventory;
        /** The test needs the match's start: for {@code same}, a subject taken from it, or a window. */
        private final boolean needsStart;

        StepCondition(CompiledPattern pattern, CompiledStep step, RuleSet set, Inventory inventory) {
            this.pattern = pattern;
            this.step = step;
            this.first = step.role == StepRole.START ? null : pattern.first().name();
            this.set = set;
            this.inventory = inventory;
            RuleDefinition rule = pattern.rule;
            this.needsStart = step.condition().refersToStart()
                    || (step.condition().refersToSubject() && !rule.forEachCritical && rule.subject != RuleDefinition.Subject.DEVICE)
                    || step.checkedByCep();
        }

        @Override
        public boolean filter(DeviceFact f, Context<DeviceFact> ctx) throws Exception {
            RuleDefinition rule = pattern.rule;
            if (f.kind != step.condition().kind()) {
                return false;
            }
            if (first == null && rule.oneShot && !f.startsFirst(rule.id)) {
                return false; // not the session's first start of this one-shot rule
            }
            // The cheap test first: most facts fail on their own fields, and reading the match's
            // start from CEP's shared buffer costs state reads (on RocksDB, seeks).
            if (!step.condition().matches(f, rule.forEachCritical ? f.subject : null, null)) {
                return false;
            }
            if (!needsStart) {
                return true;
            }
            DeviceFact start = firstOf(ctx, first != null ? first : step.name());
            if (!step.condition().matches(f, pattern.subjectOf(f, start), first == null ? null : start)) {
                return false;
            }
            if (step.checkedByCep() && start != null) {
                return f.ts - start.ts < step.windowOn(f, rule.id, set, inventory);
            }
            return true;
        }

        @Override
        public String toString() {
            return step.condition() + (step.checkedByCep() ? " within " + step.window() : "");
        }
    }

    /** The deadline of this pattern's absence, for the match's own start. */
    static final class DeadlineOf extends IterativeCondition<DeviceFact> {
        private static final long serialVersionUID = 1L;
        private final PatternRef awaits;
        private final String first;

        DeadlineOf(PatternRef awaits, String first) {
            this.awaits = awaits;
            this.first = first;
        }

        @Override
        public boolean filter(DeviceFact f, Context<DeviceFact> ctx) throws Exception {
            if (f.kind != FactKind.DEADLINE || !awaits.equals(f.awaits)) {
                return false;
            }
            DeviceFact start = firstOf(ctx, first);
            return start != null && start.ts == f.anchor;
        }

        @Override
        public String toString() {
            return "{deadline of " + first + "}";
        }
    }
}
