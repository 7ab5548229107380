package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A map of field tests on one fact, all of which must hold ({@code {kind: service_state, service:
 * $subject, state: [stopped, paused]}}). Tests that need the incident's subject or the match's start
 * fact pass when those are not known yet: the device tracker checks conditions without them to
 * decide what to forward, and CEP and the incidents check them again in full.
 */
public final class Condition implements Serializable {
    private static final long serialVersionUID = 1L;

    final FactKind kind;
    final List<Test> tests;
    /** As written, for messages and the compiled pattern's description. */
    final String text;

    Condition(FactKind kind, List<Test> tests, String text) {
        this.kind = kind;
        this.tests = List.copyOf(tests);
        this.text = text;
    }

    public FactKind kind() {
        return kind;
    }

    /**
     * @param subject the incident's service or update, or null when not known
     * @param start the match's start fact (for {@code same}), or null when not known
     */
    public boolean matches(DeviceFact f, String subject, DeviceFact start) {
        if (f.kind != kind) {
            return false;
        }
        for (Test t : tests) {
            if (!t.holds(f, subject, start)) {
                return false;
            }
        }
        return true;
    }

    boolean refersToSubject() {
        return tests.stream().anyMatch(t -> t.op == Op.SUBJECT);
    }

    boolean refersToStart() {
        return tests.stream().anyMatch(t -> t.op == Op.SAME);
    }

    @Override
    public String toString() {
        return text;
    }

    enum Op {
        ONE_OF,
        GT,
        GE,
        LT,
        LE,
        SUBJECT,
        SAME
    }

    /** One test: {@code field op value}. Text compares case-insensitively, as device and service names do. */
    record Test(FactField field, Op op, Set<Object> values, double number) implements Serializable {
        boolean holds(DeviceFact f, String subject, DeviceFact start) {
            Object v = field.of(f);
            return switch (op) {
                case ONE_OF -> v != null && values.contains(v instanceof String s ? s.toLowerCase(Locale.ROOT) : v);
                case GT -> v instanceof Double d && d > number;
                case GE -> v instanceof Double d && d >= number;
                case LT -> v instanceof Double d && d < number;
                case LE -> v instanceof Double d && d <= number;
                case SUBJECT -> subject == null || (v instanceof String s && s.equalsIgnoreCase(subject));
                case SAME -> start == null || same(v, field.of(start));
            };
        }

        private static boolean same(Object a, Object b) {
            if (a instanceof String x && b instanceof String y) {
                return x.equalsIgnoreCase(y);
            }
            return a != null && a.equals(b);
        }
    }
}
