package io.patchwatch.jobs.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.ingest.FeedNames;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which feed a record came through, and when a feed was silent, as every noise control instance keeps it. */
class FeedSilencesTest {

    @Test
    void aFeedIsNamedAfterItsInputWithoutExtensionsUnlessNamed() {
        FeedNames names = new FeedNames(Map.of("/data/dir/a.jsonl", "rmm"));
        assertThat(names.ofOrigin("/data/ping-collector.jsonl.gz:17")).isEqualTo("ping-collector");
        assertThat(names.ofOrigin("/data/ping-collector.jsonl.gz:18")).as("the same input again").isEqualTo("ping-collector");
        assertThat(names.ofOrigin("night.xml#3")).isEqualTo("night");
        assertThat(names.ofOrigin("/data/dir/a.jsonl:1")).isEqualTo("rmm");
        assertThat(names.ofOrigin("rmm-json-52007cb3:4")).isEqualTo("rmm-json-52007cb3");
        assertThat(names.ofOrigin("/data/dir/a.jsonl:2")).as("back to an earlier input").isEqualTo("rmm");
    }

    @Test
    void copiesFromEveryKeyGroupAgreeAndASilenceEndsWhenTheFeedIsBack() {
        FeedSilences s = new FeedSilences();
        s.silent("pings", 100);
        s.silent("pings", 100); // another key group's copy
        assertThat(s.at("pings", 99)).isNull();
        assertThat(s.at("pings", 5_000)).containsExactly(100, FeedSilences.OPEN);
        s.back("pings", 400);
        s.back("pings", 400);
        assertThat(s.at("pings", 399)).containsExactly(100, 400);
        assertThat(s.at("pings", 400)).as("back: not silent any more").isNull();
        assertThat(s.at("rmm", 200)).isNull();

        FeedSilences restored = new FeedSilences();
        s.toText().forEach(restored::addText);
        assertThat(restored.from("pings", 100)).containsExactly(100, 400);
        restored.forget(401);
        assertThat(restored.from("pings", 100)).isNull();
    }
}
