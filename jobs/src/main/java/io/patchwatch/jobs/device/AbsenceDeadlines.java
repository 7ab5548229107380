package io.patchwatch.jobs.device;

import io.patchwatch.jobs.eventtime.EventTimeBuffer;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.rules.RulePlan;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;

/**
 * The absences a device's rules await (a {@code not} as the last step), as the deadline facts they
 * become when their window runs out; the earliest is kept on the device record ({@link
 * DeviceState#nextDeadline}) so that nothing is read until one is due. When a deadline ends is the
 * rule versions' to say, and is said again after each new version ({@link #retime}).
 */
final class AbsenceDeadlines {
    private static final long NONE = DeviceFact.NONE;

    private final ListState<DeviceFact> state;
    private final RulePlan plan;
    private final RuleVersions versions;

    AbsenceDeadlines(ListState<DeviceFact> state, RuleVersions versions) {
        this.state = state;
        this.versions = versions;
        this.plan = versions.compiled().plan();
    }

    /** Awaits each absence a start fact opened, until when the versions known now end it. */
    void await(DeviceState d, List<DeviceFact> opened, DeviceInfo info) throws Exception {
        for (DeviceFact deadline : opened) {
            deadline.ts = versions.deadline(deadline, info);
            if (deadline.ts == NONE) {
                continue; // a version already known disables the rule before it would end
            }
            state.add(deadline);
            d.nextDeadline = min(d.nextDeadline, deadline.ts);
        }
    }

    /** Drops the deadlines whose absence {@code f} answers (a boot after a restart): CEP would match nothing. */
    void dropAnswered(DeviceState d, DeviceFact f) throws Exception {
        if (d.nextDeadline == NONE || !plan.mayAnswer(f.kind)) {
            return;
        }
        Iterable<DeviceFact> all = state.get();
        if (all == null) {
            return;
        }
        List<DeviceFact> keep = new ArrayList<>();
        boolean dropped = false;
        for (DeviceFact deadline : all) {
            if (plan.answers(deadline, f)) {
                dropped = true;
            } else {
                keep.add(deadline);
            }
        }
        if (dropped) {
            keep(d, keep);
        }
    }

    /** The deadlines at or before {@code now}, in time order, taken out (empty: none due, nothing read). */
    List<DeviceFact> takeDue(DeviceState d, long now) throws Exception {
        if (d.nextDeadline == NONE || d.nextDeadline > now) {
            return List.of();
        }
        EventTimeBuffer<DeviceFact> all = EventTimeBuffer.split(state.get(), now, f -> f.ts);
        if (!all.due().isEmpty()) {
            keep(d, all.later());
        }
        return all.due();
    }

    /**
     * After a new rules version: each pending deadline moves to when the versions now say it ends
     * (earlier for a tighter window, later for a looser one, gone for a disabled rule), never before
     * {@code notBefore} (a decision already passed is not revisited).
     */
    void retime(DeviceState d, DeviceInfo info, long notBefore) throws Exception {
        Iterable<DeviceFact> all = state.get();
        if (all == null) {
            return;
        }
        List<DeviceFact> keep = new ArrayList<>();
        for (DeviceFact deadline : all) {
            long when = versions.deadline(deadline, info);
            if (when != NONE) {
                deadline.ts = Math.max(when, notBefore);
                keep.add(deadline);
            }
        }
        keep(d, keep);
    }

    /** Stores the deadlines still pending, and the earliest of them in the device record. */
    private void keep(DeviceState d, List<DeviceFact> keep) throws Exception {
        d.nextDeadline = EventTimeBuffer.earliest(keep, f -> f.ts);
        EventTimeBuffer.store(state, keep);
    }

    private static long min(long a, long b) {
        return a == NONE ? b : b == NONE ? a : Math.min(a, b);
    }
}
