package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.live.RuleVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules topic's keys, a version each, and which record is the newest valid one. */
class RulesTopicKeysTest {

    @Test
    void aKeyNamesTheVersionOfItsJobOnly() {
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch/v12")).isEqualTo(12);
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch")).isZero();
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch-eu/v1")).isEqualTo(-1);
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch/vx")).isEqualTo(-1);
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch/v")).isEqualTo(-1);
        assertThat(RulesTopic.versionOfKey("patchwatch", "patchwatch/v99999999999")).as("no overflow").isEqualTo(-1);
        assertThat(RulesTopic.versionOfKey("patchwatch", null)).isEqualTo(-1);
        assertThat(RulesTopic.versionKey("patchwatch", 3)).isEqualTo("patchwatch/v3");
    }

    @Test
    void theNewestValidRecordIsTheHighestVersionWhereverItIsInTheLog() {
        RulesTopic.Entry v2 = entry(1, "job/v2", 2);
        RulesTopic.Entry v3 = entry(2, "job/v3", 3);
        RulesTopic.Entry bad = new RulesTopic.Entry(3, "job", "{not", List.of(), "rules record: not JSON");
        RulesTopic.Entry olderLater = entry(4, "job", 1); // a stale record written after: not the newest
        assertThat(RulesTopic.newestValid(List.of(v2, v3, bad, olderLater))).contains(v3);
        assertThat(RulesTopic.newestValid(List.of(bad))).isEmpty();
    }

    private static RulesTopic.Entry entry(long offset, String key, int newest) {
        List<RuleVersion> versions = new java.util.ArrayList<>();
        for (int v = 1; v <= newest; v++) {
            versions.add(new RuleVersion(v, v * 1000L, "sha256:" + v, "rules: []", null));
        }
        return new RulesTopic.Entry(offset, key, "{}", versions, null);
    }
}
