package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutySink;
import io.patchwatch.connectors.config.SecretRef;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.flink.RetainedCheckpoints;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.http.RecordingHttpServer.Answer;
import io.patchwatch.testkit.http.RecordingHttpServer.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pending deliveries are in the checkpoint: a job whose PagerDuty is half down is cancelled, and
 * restored from its retained checkpoint at parallelism 2 instead of 1 (each instance keeps the
 * deliveries of its own keys), PagerDuty up again. Every alert
 * then reached PagerDuty exactly once per status: none lost with the job, and none of those
 * delivered before the checkpoint sent again. And before the checkpoint that holds an alert has
 * completed, the alert is not sent at all (a restart could still take it back).
 */
class DeliveryRestartITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final int INCIDENTS = 10;
    private static final List<Alert> ALERTS = TestAlerts.incidents("acme", INCIDENTS);
    /** After the patch night's alerts, the source goes on with alerts of a tenant no sink takes: it never ends. */
    private static final Alert OTHER = TestAlerts.offline("not-routed", "X", 1);

    @TempDir
    Path dir;

    /** Alerts the sources of this JVM generated so far (the mini cluster runs in it). */
    private static final AtomicLong GENERATED = new AtomicLong();

    private static Alert nth(long i) {
        GENERATED.incrementAndGet();
        return i < ALERTS.size() ? ALERTS.get((int) i) : OTHER;
    }

    @Test
    void aRestartLosesAndDuplicatesNoDelivery() throws Exception {
        Path key = dir.resolve("routing-key");
        Files.writeString(key, "R0UTING");
        Path checkpoints = dir.resolve("checkpoints");
        try (RecordingHttpServer pd = RecordingHttpServer.start()) {
            // Half the devices get through, the other half's alerts wait in retries.
            pd.answer(r -> r.body().matches("(?s).*SRV-00[0-4].*") ? Answer.status(202) : Answer.status(503));
            JobClient first = start(pd, key, checkpoints, null, 1);
            pd.awaitAccepted(INCIDENTS, Duration.ofSeconds(60));
            RetainedCheckpoints.awaitMore(checkpoints, 2, Duration.ofSeconds(60)); // with the rest pending
            first.cancel().get();
            assertThat(pd.accepted()).hasSize(INCIDENTS);

            pd.answer(r -> Answer.status(202));
            JobClient second = start(pd, key, checkpoints, RetainedCheckpoints.latest(checkpoints), 2);
            try {
                pd.awaitAccepted(2 * INCIDENTS, Duration.ofSeconds(60));
                // A delivery sent twice would be released by one of the next two checkpoints.
                RetainedCheckpoints.awaitMore(checkpoints, 2, Duration.ofSeconds(60));
                Map<String, Long> perStatus = pd.accepted().stream().collect(Collectors.groupingBy(
                        DeliveryRestartITCase::keyAndAction, Collectors.counting()));
                assertThat(perStatus).hasSize(2 * INCIDENTS).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
            } finally {
                second.cancel().get();
            }
        }
    }

    @Test
    void nothingIsSentBeforeTheCheckpointHoldingItCompleted(@InjectClusterClient ClusterClient<?> flink) throws Exception {
        Path key = dir.resolve("routing-key");
        Files.writeString(key, "R0UTING");
        try (RecordingHttpServer pd = RecordingHttpServer.start()) {
            pd.answer(r -> Answer.status(202));
            // No checkpoint completes by itself within the test: the alerts are not the job's for good yet.
            long generatedBefore = GENERATED.get();
            JobClient job = start(pd, key, dir.resolve("checkpoints"), null, 1, Duration.ofHours(1));
            try {
                // The job runs: the source has gone a second past the incidents (50 alerts a second).
                awaitGenerated(generatedBefore + INCIDENTS + 50);
                assertThat(pd.requests()).as("sent before any checkpoint").isEmpty();
                // The control: once a checkpoint holding them completes, every incident is sent.
                flink.triggerCheckpoint(job.getJobID(), CheckpointType.FULL).get(60, TimeUnit.SECONDS);
                pd.awaitAccepted(INCIDENTS, Duration.ofSeconds(60));
            } finally {
                job.cancel().get();
            }
        }
    }

    private static void awaitGenerated(long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (GENERATED.get() < count) {
            assertThat(System.nanoTime()).as("the source generated " + count + " alerts").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private JobClient start(RecordingHttpServer pd, Path key, Path checkpoints, Path restoreFrom, int parallelism)
            throws Exception {
        return start(pd, key, checkpoints, restoreFrom, parallelism, Duration.ofMillis(500));
    }

    private JobClient start(RecordingHttpServer pd, Path key, Path checkpoints, Path restoreFrom, int parallelism,
                            Duration checkpointInterval) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom.toUri().toString());
        }
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(conf);
        env.setParallelism(parallelism);
        SinkSpec spec = new SinkSpec("pagerduty", "pagerduty",
                new PagerDutySink.Settings(HttpEndpoint.of(pd.url() + "/v2/enqueue"), SecretRef.ofFile(key.toString())),
                new AlertRoute(Set.of("acme"), Set.of(), Set.of()), DeliveryJobs.FAST_RETRIES);
        env.fromSource(new DataGeneratorSource<>(DeliveryRestartITCase::nth, Long.MAX_VALUE,
                                RateLimiterStrategy.perSecond(50), new AvroTypeInfo<>(Alert.class)),
                        WatermarkStrategy.noWatermarks(), "alerts").setParallelism(1).uid("alerts")
                .keyBy(Alert::getDedupKey)
                .transform("Deliver to PagerDuty", TypeInformation.of(FailedDelivery.class),
                        new DeliveryOperator(spec, "test", true)).uid("deliver-pagerduty")
                .sinkTo(new DiscardingSink<>());
        return env.executeAsync("delivery restart");
    }

    private static String keyAndAction(Request r) {
        return SinkPayloadsITCase.body(r).get("dedup_key").asText() + " " + SinkPayloadsITCase.body(r).get("event_action").asText();
    }
}
