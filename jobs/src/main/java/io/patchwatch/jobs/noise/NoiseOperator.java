package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.live.RuleVersions;
import io.patchwatch.jobs.live.VersionedOperator;
import io.patchwatch.schemas.Alert;

/**
 * Runs {@link NoiseControl}, live with the rules versions published while the job runs (a window
 * added with {@code maintenance add --publish}, a new group_wait): nothing per key, since every
 * decision reads the version in force at its own time.
 */
public final class NoiseOperator extends VersionedOperator<Alert, Alert> {
    private static final long serialVersionUID = 1L;
    private final NoiseControl noise;

    public NoiseOperator(NoiseControl noise, boolean stopAtEnd) {
        super(noise, stopAtEnd, "noise control");
        this.noise = noise;
    }

    @Override
    protected RuleVersions versions() {
        return noise.versions();
    }
}
