package io.patchwatch.jobs.rules;

import java.io.Serializable;

/**
 * One step of a rule's pattern.
 *
 * @param name the step's name in the CEP pattern (for {@code then} / {@code not}, a generated one)
 * @param absence a {@code not} step: no matching fact before the window ends
 * @param times how many matching facts (CEP {@code times}, relaxed between them)
 * @param within bounds the time from the match's start to this step, or null
 */
record Step(String name, boolean absence, Condition condition, int times, Window within) implements Serializable {}
