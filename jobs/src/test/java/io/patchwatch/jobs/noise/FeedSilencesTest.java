package io.patchwatch.jobs.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.ingest.FeedNames;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which feed a record came through, and when a feed was silent, as every noise control instance keeps it. */
class FeedSilencesTest {

    @Test
    void aFeedIsNamedAfterItsInputWithoutExtensionsUnlessNamed() {
        assertThat(FeedNames.ofOrigin("/data/ping-collector.jsonl.gz:17", Map.of())).isEqualTo("ping-collector");
        assertThat(FeedNames.ofOrigin("night.xml#3", Map.of())).isEqualTo("night");
        assertThat(FeedNames.ofOrigin("/data/dir/a.jsonl:1", Map.of("/data/dir/a.jsonl", "rmm"))).isEqualTo("rmm");
        assertThat(FeedNames.ofOrigin("rmm-json-52007cb3:4", Map.of())).isEqualTo("rmm-json-52007cb3");
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
