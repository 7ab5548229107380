package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.inventory.Inventory;
import java.io.Serializable;

/**
 * One step of a compiled pattern: the step as written, its role, and where its window comes from.
 * A window CEP checks itself (a {@code within} on a step that is not an absence) differs per
 * device and per rules version, so the tracker stamps the device's value on every fact it forwards
 * ({@link RulePlan#cepWindows}, stamped by the tracker) and the step reads it back ({@link #windowOn}).
 */
public final class CompiledStep implements Serializable {
    private static final long serialVersionUID = 1L;

    final Step step;
    final StepRole role;
    /** Where the facts carry this step's window, or -1: no window CEP checks itself. */
    final int windowSlot;

    CompiledStep(Step step, StepRole role, int windowSlot) {
        this.step = step;
        this.role = role;
        this.windowSlot = windowSlot;
    }

    public StepRole role() {
        return role;
    }

    public Condition condition() {
        return step.condition();
    }

    /** The step's {@code within}, or null. */
    Window window() {
        return step.within();
    }

    /** The step's name in the CEP pattern. */
    String name() {
        return step.name();
    }

    /** A window CEP checks itself: from the match's start to this step. */
    boolean checkedByCep() {
        return windowSlot >= 0;
    }

    /**
     * This step's window for the fact's device, as the version in force at the fact's time says
     * (stamped by the tracker); without a stamp, the job's file for that device.
     */
    long windowOn(DeviceFact f, String ruleId, RuleSet set, Inventory inventory) {
        if (windowSlot >= 0 && f.windows != null && windowSlot < f.windows.length) {
            return f.windows[windowSlot];
        }
        return step.within().ms(set.profileFor(inventory.lookup(f.tenant, f.device, f.site)), ruleId);
    }

    @Override
    public String toString() {
        return (role.absence() ? "not" : step.name()) + " " + step.condition();
    }
}
