package io.patchwatch.jobs.live;

import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleSet;


import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.support.ExampleRules;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RULES.md "Changing rules while the job runs": which version decides when, and what it does to a pending deadline. */
class RuleVersionsTest {
    private static final long MIN = 60_000L;
    private static final long T0 = 1_731_204_000_000L; // the reboot is initiated (anchor)
    private static final DeviceInfo DEVICE = DeviceInfo.unknown("acme", "SRV-SQL-01", "hq");

    private static final String BUILT_IN = ExampleRules.builtInWithExamples();

    @Test
    void aTighterWindowFiresAtTheLaterOfAnchorPlusItAndItsEffectiveFromNeverInThePast() {
        RuleVersions versions = compiled();
        DeviceFact deadline = rebootHangDeadline(versions);
        assertThat(versions.deadline(deadline, DEVICE)).as("boot_within 20m").isEqualTo(T0 + 20 * MIN);

        // Tightened to 10 m at T0 + 15 m: anchor + 10 m has passed, so it fires when the version is in force.
        offer(versions, 1, T0 + 15 * MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 10m"));
        assertThat(versions.deadline(deadline, DEVICE)).isEqualTo(T0 + 15 * MIN);

        // Tightened to 5 m in force from T0 + 2 m: anchor + 5 m.
        RuleVersions early = compiled();
        offer(early, 1, T0 + 2 * MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 5m"));
        assertThat(early.deadline(deadline, DEVICE)).isEqualTo(T0 + 5 * MIN);
    }

    @Test
    void aLooserWindowMovesThePendingDeadlineOutButNotOneThatAlreadyPassed() {
        RuleVersions versions = compiled();
        DeviceFact deadline = rebootHangDeadline(versions);
        offer(versions, 1, T0 + 15 * MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 40m"));
        assertThat(versions.deadline(deadline, DEVICE)).isEqualTo(T0 + 40 * MIN);

        // In force only after the old deadline: the absence had already ended under the old window.
        RuleVersions late = compiled();
        offer(late, 1, T0 + 25 * MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 40m"));
        assertThat(late.deadline(deadline, DEVICE)).isEqualTo(T0 + 20 * MIN);
    }

    @Test
    void aDisabledRuleCancelsItsPendingDeadlineAndStartsNothingWhileDisabled() {
        RuleVersions versions = compiled();
        DeviceFact deadline = rebootHangDeadline(versions);
        offer(versions, 1, T0 + 15 * MIN, BUILT_IN.replace("  reboot-hang:\n    severity: critical",
                "  reboot-hang:\n    enabled: false\n    severity: critical"));
        assertThat(versions.deadline(deadline, DEVICE)).isEqualTo(DeviceFact.NONE);
        RuleDefinition hang = versions.compiled().rule("reboot-hang");
        assertThat(versions.profileFor(DEVICE, T0 + 14 * MIN, DeviceFact.NONE).rule(hang.id()).enabled()).isTrue();
        assertThat(versions.profileFor(DEVICE, T0 + 15 * MIN, DeviceFact.NONE).rule(hang.id()).enabled()).isFalse();
    }

    @Test
    void everyDecisionUsesTheVersionInForceAtItsEventTime() {
        RuleVersions versions = compiled();
        offer(versions, 1, T0, BUILT_IN.replace("  silence_after: 10m", "  silence_after: 5m"));
        offer(versions, 2, T0 + 60 * MIN, BUILT_IN.replace("  silence_after: 10m", "  silence_after: 3m"));
        assertThat(versions.at(T0 - 1).version()).isZero();
        assertThat(versions.profileFor(DEVICE, T0 - 1, DeviceFact.NONE).silenceAfterMs()).isEqualTo(10 * MIN);
        assertThat(versions.profileFor(DEVICE, T0 + 59 * MIN, DeviceFact.NONE).silenceAfterMs()).isEqualTo(5 * MIN);
        assertThat(versions.at(T0 + 60 * MIN).version()).isEqualTo(2);
        assertThat(versions.profileFor(DEVICE, T0 + 60 * MIN, DeviceFact.NONE).silenceAfterMs()).isEqualTo(3 * MIN);
    }

    @Test
    void aNewOverrideAppliesToSessionsOpenedAfterItIsInForce() {
        RuleVersions versions = compiled();
        offer(versions, 1, T0, BUILT_IN + """
                  - match: {tenant: acme}
                    boot_within: 45m
                """);
        long openedBefore = T0 - 30 * MIN;
        assertThat(versions.profileFor(DEVICE, T0 + MIN, openedBefore).duration("reboot-hang", "boot_within")).isEqualTo(20 * MIN);
        assertThat(versions.profileFor(DEVICE, T0 + MIN, T0).duration("reboot-hang", "boot_within")).isEqualTo(45 * MIN);
    }

    @Test
    void versionsGoingBackwardsStructuralChangesAndWindowsBeyondTheCompiledBoundAreRefused() {
        RuleVersions versions = compiled();
        offer(versions, 2, T0, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 10m"));

        assertThat(versions.offer(version(2, T0, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 10m"))).outcome())
                .isEqualTo(RuleVersions.Outcome.ALREADY_APPLIED);
        RuleVersions.Offer backwards = versions.offer(version(1, T0 + MIN, BUILT_IN));
        assertThat(backwards.outcome()).isEqualTo(RuleVersions.Outcome.REFUSED);
        assertThat(backwards.reason()).contains("goes backwards");
        assertThat(versions.offer(version(3, T0 - MIN, BUILT_IN)).reason()).contains("before version 2");

        RuleVersions.Offer structural = versions.offer(version(3, T0 + MIN, BUILT_IN.replace("        times: 2\n", "        times: 3\n")));
        assertThat(structural.outcome()).isEqualTo(RuleVersions.Outcome.REFUSED);
        assertThat(structural.reason()).contains("boot-loop-after-patch").contains("rules apply");

        RuleVersions.Offer tooLong = versions.offer(version(3, T0 + MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 2h")));
        assertThat(tooLong.reason()).contains("reboot-hang grows to 2h, beyond the 1h");
        assertThat(versions.latest().version()).isEqualTo(2);
    }

    @Test
    void aRulesRecordCarriesThePreviousVersionsAndABadOneSaysWhy() {
        RuleVersion v1 = version(1, T0, BUILT_IN);
        RuleVersion v2 = version(2, T0 + MIN, BUILT_IN.replace("  boot_within: 20m", "  boot_within: 10m"));
        String record = RulesRecord.encode("patchwatch", v2, List.of(v1), T0);
        assertThat(RulesRecord.decode(record)).extracting(RuleVersion::version).containsExactly(1, 2);
        assertThat(RulesRecord.decode(record).get(1).effectiveFrom()).isEqualTo(T0 + MIN);

        assertThat(reasonOf("{not json")).contains("not JSON");
        assertThat(reasonOf("")).contains("tombstone");
        assertThat(reasonOf(record.replace("\"version\":2", "\"version\":\"two\""))).contains("'version' must be a whole number");
        assertThat(reasonOf(record.replace("boot_within: 10m", "boot_within: 11m"))).contains("'hash' is not the hash");
        String broken = BUILT_IN.replace("  boot_within: 20m", "  boot_within: soon");
        String badRules = RulesRecord.encode("patchwatch",
                new RuleVersion(3, T0, RuleVersion.hashOf(broken), broken, null), List.of(), T0);
        assertThat(reasonOf(badRules)).contains("version 3 does not validate");
    }

    private static String reasonOf(String record) {
        try {
            RulesRecord.decode(record);
            return "accepted";
        } catch (io.patchwatch.connectors.config.ConfigException e) {
            return e.getMessage();
        }
    }

    private static RuleVersions compiled() {
        return new RuleVersions(RuleSet.parse(BUILT_IN.getBytes(java.nio.charset.StandardCharsets.UTF_8), "rules.yaml"));
    }

    private static RuleVersion version(int n, long from, String yaml) {
        return RuleVersion.of(n, from, yaml, "v" + n);
    }

    private static void offer(RuleVersions versions, int n, long from, String yaml) {
        assertThat(versions.offer(version(n, from, yaml)).outcome()).isEqualTo(RuleVersions.Outcome.APPLIED);
    }

    /** The deadline a reboot initiated at T0 sets for reboot-hang (as the tracker makes it). */
    private static DeviceFact rebootHangDeadline(RuleVersions versions) {
        DeviceFact d = new DeviceFact();
        d.anchor = T0;
        d.sessionStart = T0 - 60 * MIN;
        d.awaits = new PatternRef("reboot-hang", 0);
        return d;
    }
}
