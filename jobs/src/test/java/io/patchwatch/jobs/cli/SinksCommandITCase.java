package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.http.RecordingHttpServer.Answer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code patchwatch sinks test}: a test alert, fired and resolved, to each sink of job.yaml, and how each answered. */
class SinksCommandITCase {
    @TempDir
    Path dir;

    @Test
    void eachSinkGetsATestAlertFiredAndResolvedAndFailuresSayWhy() throws Exception {
        Path key = dir.resolve("pd-key");
        Files.writeString(key, "R0UTING-KEY");
        try (RecordingHttpServer pd = RecordingHttpServer.start();
             RecordingHttpServer hook = RecordingHttpServer.start()) {
            pd.answer(r -> Answer.status(202));
            hook.answer(r -> Answer.status(403).withBody("{\"error\":\"invalid_token\"}"));
            Path config = dir.resolve("job.yaml");
            Files.writeString(config, """
                    kafka: {bootstrap_servers: "127.0.0.1:9"}
                    inputs: [{topic: events}]
                    outputs: {alerts_topic: alerts, dead_letter_topic: dlq}
                    sinks:
                      - {name: pagerduty, type: pagerduty, url: "%s/v2/enqueue", routing_key_file: "%s", route: {tenants: [acme]}}
                      - {name: teams, type: webhook, url: "%s/hook", template: '{"text": "{{message}}"}'}
                    """.formatted(pd.url(), key, hook.url()));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = PatchwatchCli.run(new String[] {"sinks", "test", "--config", config.toString()},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
            String printed = out.toString(StandardCharsets.UTF_8);

            assertThat(code).isEqualTo(1);
            assertThat(printed).contains("pagerduty (pagerduty): firing delivered (HTTP 202), resolved delivered (HTTP 202)")
                    .contains("teams (webhook): firing REJECTED: HTTP 403: {\"error\":\"invalid_token\"}");
            // The route is ignored for a test; the alert says what it is, and its resolve follows.
            assertThat(pd.accepted()).hasSize(2);
            assertThat(pd.accepted().get(0).body()).contains("\"event_action\":\"trigger\"")
                    .contains(SinksCommand.TEST_DEVICE).contains("if you read this, delivery works");
            assertThat(pd.accepted().get(1).body()).contains("\"event_action\":\"resolve\"");
            assertThat(hook.requests()).hasSize(1);

            ByteArrayOutputStream one = new ByteArrayOutputStream();
            assertThat(PatchwatchCli.run(new String[] {"sinks", "test", "--config", config.toString(), "--sink", "pagerduty"},
                    new PrintStream(one, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))).isZero();
            assertThat(one.toString(StandardCharsets.UTF_8)).doesNotContain("teams");
        }
    }
}
