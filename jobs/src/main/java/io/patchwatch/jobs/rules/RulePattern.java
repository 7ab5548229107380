package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;

/**
 * A compiled CEP pattern and what turns its matches into triggers (absences reach CEP as the
 * tracker's deadline facts, so a match is all a rule needs).
 *
 * @param variant a short name when a rule needs several patterns ("no-start", "crash"), else ""
 */
public record RulePattern(
        String variant, Pattern<DeviceFact, ?> pattern, PatternProcessFunction<DeviceFact, Trigger> matches) {}
