package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.device.DeviceFact;
import java.io.Serializable;
import java.util.List;

/**
 * One rule of the semantics table, compiled to Flink CEP. A rule with a window (M, B, P) is compiled
 * once per distinct window in rules.yaml, since CEP's {@code within} is fixed per pattern; each
 * variant only sees the facts of devices whose profile has that window.
 */
public interface PostPatchRule extends Serializable {

    String id();

    /** The facts this variant's patterns need (everything else never enters its CEP buffers). */
    boolean accepts(DeviceFact fact, long windowMs);

    /** The CEP patterns of this rule for one window (0 for rules without a window). */
    List<RulePattern> patterns(long windowMs);
}
