package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * How a CEP match becomes a trigger. Absences are deadline facts from the tracker, so every rule
 * is a match: the trigger fires at the time of the matched fact.
 */
final class TriggerFunctions {
    private TriggerFunctions() {}

    /** What the incident is about, besides the rule and session. */
    enum Subject {
        NONE,
        SERVICE,
        UPDATE
    }

    /** Fires at the time of the event matched as {@code step}. */
    static PatternProcessFunction<DeviceFact, Trigger> onMatch(String ruleId, String step, Subject subject) {
        return new OnMatch(ruleId, step, subject);
    }


    static Trigger trigger(String ruleId, DeviceFact f, long ts, Subject subject) {
        Trigger t = Trigger.of(ruleId, f, ts);
        t.error = f.error;
        switch (subject) {
            case SERVICE -> {
                t.service = f.service;
                t.subject = f.service;
            }
            case UPDATE -> {
                t.update = f.update;
                t.subject = f.update;
                t.kbs = new String[] {f.update};
            }
            default -> {}
        }
        return t;
    }

    private static final class OnMatch extends PatternProcessFunction<DeviceFact, Trigger> {
        private static final long serialVersionUID = 1L;
        private final String ruleId;
        private final String step;
        private final Subject subject;

        OnMatch(String ruleId, String step, Subject subject) {
            this.ruleId = ruleId;
            this.step = step;
            this.subject = subject;
        }

        @Override
        public void processMatch(Map<String, List<DeviceFact>> match, Context ctx, Collector<Trigger> out) {
            DeviceFact f = match.get(step).get(0);
            out.collect(trigger(ruleId, f, f.ts, subject));
        }
    }
}
