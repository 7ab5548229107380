package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.support.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: files in, files out, exit codes. Uses its own local cluster. */
class PatchwatchCliITCase {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void replayWritesAlertsSortedByTimeAndDeadLettersBesideThem() throws Exception {
        // Two files, the second one earlier in time, plus one bad line.
        List<String> night = new ArrayList<>(Scenario.of("""
                02:00 SRV-02 heartbeat
                02:05 SRV-02 patch_failed kb=KB9 error=0x80070005
                02:40 SRV-02 heartbeat
                """).jsonLines());
        night.add("{\"ts\":\"2026-11-10T02:00:00Z\",\"device\":\"SRV-02\",\"kind\":\"heartbeat\",\"ok\":\"maybe\",\"rtt_ms\":\"x\"}");
        Path late = write("late.jsonl", night);
        Path early = write("early.jsonl", Scenario.of("""
                01:00 SRV-01 heartbeat
                01:01 SRV-01 patch_installed kb=KB1
                01:02 SRV-01 heartbeat
                """).jsonLines());
        Path alerts = dir.resolve("out/alerts.jsonl");

        int code = run("replay", "--events", late.toString(), early.toString(), "--out", alerts.toString());

        assertThat(code).as(err.toString()).isZero();
        List<String> all = Files.readAllLines(alerts);
        // Each file is a feed: "early" carried heartbeats and ends at 01:02; when "late" starts at
        // 02:00, time has passed early's newest event + 5m while another feed delivers, so early is
        // silent from then (FLEET.md feed silence); SRV-01's offline, decided at 01:12, stays paged.
        assertThat(all).hasSize(5);
        assertThat(all.get(0)).contains("\"rule\":\"offline-after-patch\"", "\"ts\":\"2026-11-10T01:12:00Z\"", "\"device\":\"SRV-01\"");
        assertThat(all.get(1)).contains("\"rule\":\"feed-silent\"", "\"device\":\"feed:early\"", "\"ts\":\"2026-11-10T02:00:00Z\"");
        List<String> lines = all.subList(2, all.size());
        // SRV-02's failed patch, then its silence (02:05 + 10m) until 02:40.
        assertThat(lines.get(0)).contains("\"rule\":\"patch-failed\"", "\"ts\":\"2026-11-10T02:05:00Z\"", "\"kbs\":[\"KB9\"]");
        List<String> sorted = new ArrayList<>(all);
        Collections.sort(sorted, (a, b) -> a.substring(a.indexOf("\"ts\"")).compareTo(b.substring(b.indexOf("\"ts\""))));
        assertThat(all).as("in time order across both files").isEqualTo(sorted);
        List<String> dead = Files.readAllLines(dir.resolve("out/alerts.dead-letters.jsonl"));
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0)).contains("\"reason\":\"wrong_type\"", "\"origin\":\"" + late + ":4\"");
        assertThat(lines.get(2)).contains("\"status\":\"resolved\"", "\"ts\":\"2026-11-10T02:40:00Z\"");
        assertThat(err.toString()).contains("replayed 7 records: 6 accepted, 0 skipped (nothing patchwatch uses), 1 dead letters",
                "5 alerts (4 firing, 1 resolved)");
    }

    @Test
    void anUnreadableFileIsOneLineAndANonZeroExit() throws Exception {
        int code = run("replay", "--events", dir.resolve("missing.jsonl").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("patchwatch: cannot read " + dir.resolve("missing.jsonl") + ": no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void rulesValidateNamesTheLineOfAnError() throws Exception {
        Path rules = write("rules.yaml", List.of("defaults:", "  silence_after: 10m", "  sesion_window: 4h"));

        int code = run("rules", "validate", rules.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains(rules + ":3:").contains("unknown key 'sesion_window'");
        assertThat(run("rules", "validate", "../flink-conf/rules.yaml")).isZero();
        assertThat(out.toString()).contains("OK, 6 rules", "reboot-hang: enabled, critical",
                "cep: begin(\"initiated\").where({kind: reboot_initiated, in_session: true})"
                        + ".notFollowedBy(\"_not1\").where({kind: booted})");
    }

    @Test
    void runRefusesABadJobConfigNamingTheKeyAndNeverEchoesASecret() throws Exception {
        Path job = write("job.yaml", List.of(
                "kafka:",
                "  bootstrap_servers: 127.0.0.1:9",
                "  sasl: {mechanism: PLAIN, username: u, password: hunter2}",
                "inputs: [{topic: t}]",
                "outputs: {alerts_topic: a, dead_letter_topic: d}"));

        assertThat(run("run", "--config", job.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("kafka.sasl.password: secrets are not read from the config file")
                .doesNotContain("hunter2");
        assertThat(run("run", "--config", dir.resolve("none.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cannot read job config");
    }

    @Test
    void rulesDiffSaysWhatAChangeNeedsAndExitsOneWhenThereIsOne() throws Exception {
        String base = Files.readString(Path.of("../flink-conf/rules.yaml"));
        Path old = write("old.yaml", List.of(base));
        Path looser = write("looser.yaml", List.of(base.replaceFirst("silence_after: \\S+", "silence_after: 45m")));
        Path structural = write("structural.yaml", List.of(base.replace("  reboot-hang:\n    severity: critical\n    subject: device",
                "  reboot-hang:\n    severity: critical\n    subject: device\n    one_shot: true")));

        assertThat(run("rules", "diff", old.toString(), old.toString())).isZero();
        assertThat(out.toString()).contains("no change");
        out.reset();
        assertThat(run("rules", "diff", old.toString(), looser.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("silence_after").contains("=> applies while the job runs");
        out.reset();
        assertThat(run("rules", "diff", old.toString(), structural.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("=> needs a restart from a savepoint for: reboot-hang");
        assertThat(run("rules", "diff", old.toString())).as("NEW missing").isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'NEW'");
    }

    @Test
    void aJobYamlWithSeveralMistakesIsReportedWholeByConfigCheck() throws Exception {
        Path job = write("job.yaml", List.of("kafka:", "  bootstrap_servers: 127.0.0.1:9", "  security_protocol: TLS", "inputs:",
                "  - {topic: events, format: syslog}", "outputs:", "  alerts_topic: alerts", "time:", "  idleness: soon"));
        assertThat(run("config", "check", job.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(job + ":3:22: kafka.security_protocol: 'TLS' is not one of")
                .contains(job + ":5:29: inputs[0].format: unknown format 'syslog'")
                .contains(job + ":7:3: outputs: needs dead_letter_topic")
                .contains(job + ":9:13: time.idleness: 'soon' is not a duration")
                .contains("patchwatch: 4 errors");
        assertThat(run("config", "check", "../flink-conf/job.example.yaml")).isZero();
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("replay", "--event", "x")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown options: '--event'").contains("Possible solutions: --events")
                .contains("Usage: patchwatch replay");
    }

    @Test
    void replayNamesAFeedAndWritesEveryHeldIncidentWithItsEnd() throws Exception {
        StringBuilder pings = new StringBuilder();
        StringBuilder rmm = new StringBuilder("02:00 SRV-A patch_installed kb=KB1\n02:00 SRV-B patch_installed kb=KB1\n");
        for (int m = 0; m <= 40; m++) {
            rmm.append(String.format("02:%02d CLOCK-1 heartbeat%n", m));
            if (m <= 5 || m >= 25) {
                pings.append(String.format("02:%02d SRV-A heartbeat%n", m));
            }
            if (m <= 5) {
                pings.append(String.format("02:%02d SRV-B heartbeat%n", m));
            }
        }
        Path rmmFile = write("rmm.jsonl", Scenario.of(rmm.toString()).jsonLines());
        Path pingFile = write("p.jsonl", Scenario.of(pings.toString()).jsonLines());
        Path alerts = dir.resolve("alerts.jsonl");
        Path held = dir.resolve("held.jsonl");

        int code = run("replay", "--events", rmmFile.toString(), "--feed", "collector=" + pingFile, "--out", alerts.toString(),
                "--held-out", held.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readAllLines(alerts)).as("one page for the collector, none for its devices; SRV-B, still down settle"
                        + " after the collector returned, then").extracting(l -> l.replaceAll(".*\"rule\":\"([^\"]+)\",\"status\":\"([^\"]+)\""
                        + ",\"ts\":\"([^\"]+)\".*\"device\":\"([^\"]+)\".*", "$2 $1 $4 $3"))
                .as("in the order they were sent: SRV-B's page (fired 02:15) at 02:30")
                .containsExactly("firing feed-silent feed:collector 2026-11-10T02:10:00Z",
                        "resolved feed-silent feed:collector 2026-11-10T02:25:00Z",
                        "firing offline-after-patch SRV-B 2026-11-10T02:15:00Z");
        List<String> steps = Files.readAllLines(held);
        assertThat(steps).hasSize(4);
        assertThat(steps.get(0)).contains("\"step\":\"held\"", "\"device\":\"SRV-A\"", "\"held_by\":\"feed-silent/collector\"",
                "\"parent\":\"patchwatch/feed:collector/feed-silent/");
        assertThat(steps.get(2)).contains("\"step\":\"closed\"", "\"device\":\"SRV-A\"", "\"reason\":\"explained_by_feed_silence\"");
        assertThat(steps.get(3)).contains("\"step\":\"paged\"", "\"device\":\"SRV-B\"", "\"ts\":\"2026-11-10T02:30:00Z\"");
        assertThat(err.toString()).contains("2 incidents held: 1 paged later, 1 closed, 0 still held at the end");
    }

    private int run(String... args) {
        return PatchwatchCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path write(String name, List<String> lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, lines);
        return p;
    }
}
