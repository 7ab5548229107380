package io.patchwatch.jobs.rules;

/** What a step of a compiled pattern does in it (RULES.md "A rule"). */
public enum StepRole {
    /** The first step: a fact meeting it starts a match (CEP {@code begin}). */
    START,
    /** A later step a fact must meet (CEP {@code followedBy}); the last one completes the match. */
    FOLLOWS,
    /**
     * A {@code not} between two steps: no fact meeting it between the step before and the step
     * after (CEP {@code notFollowedBy} followed by the next step).
     */
    ABSENT_BETWEEN,
    /**
     * A {@code not} as the last step: no fact meeting it before its window ends (CEP {@code
     * notFollowedBy}, closed by the tracker's deadline fact at start + the device's window).
     */
    ABSENT_UNTIL_DEADLINE;

    boolean absence() {
        return this == ABSENT_BETWEEN || this == ABSENT_UNTIL_DEADLINE;
    }
}
