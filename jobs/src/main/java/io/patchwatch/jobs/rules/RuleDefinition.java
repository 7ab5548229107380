package io.patchwatch.jobs.rules;

import java.io.Serializable;
import java.util.List;

/**
 * One rule of rules.yaml as written: its patterns (alternatives), what resolves it, what it is about.
 * Severity, message and {@code enabled} are parameters ({@link RuleParams}), overridable per device.
 */
public final class RuleDefinition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What one incident is about, besides the device and the session. */
    public enum Subject {
        DEVICE,
        SERVICE,
        UPDATE
    }

    final String id;
    final Subject subject;
    /** {@code for_each: critical_service}: the pattern runs once per critical service of the device. */
    final boolean forEachCritical;
    final boolean oneShot;
    final List<List<Step>> patterns;
    /** Null: {@code resolve: never}. */
    final Condition resolve;

    RuleDefinition(String id, Subject subject, boolean forEachCritical, boolean oneShot,
                   List<List<Step>> patterns, Condition resolve) {
        this.id = id;
        this.subject = subject;
        this.forEachCritical = forEachCritical;
        this.oneShot = oneShot;
        this.patterns = List.copyOf(patterns);
        this.resolve = resolve;
    }

    public String id() {
        return id;
    }

    public Subject subject() {
        return subject;
    }

    public boolean oneShot() {
        return oneShot;
    }

    public boolean neverResolves() {
        return resolve == null;
    }

    /** Whether {@code f} ends an incident of this rule about {@code subject} (null for device rules). */
    public boolean resolvedBy(io.patchwatch.jobs.fact.DeviceFact f, String subject) {
        return resolve != null && resolve.matches(f, subject, null);
    }
}
