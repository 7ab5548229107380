package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.pattern.Pattern;

/**
 * A compiled CEP pattern and what turns its matches (and, for absence rules, its timed-out partial
 * matches, sent to {@link RuleCompiler#TIMEOUTS}) into triggers.
 *
 * @param variant a short name when a rule needs several patterns ("no-start", "crash"), else ""
 */
public record RulePattern(
        String variant, Pattern<DeviceFact, ?> pattern, PatternProcessFunction<DeviceFact, Trigger> matches) {}
