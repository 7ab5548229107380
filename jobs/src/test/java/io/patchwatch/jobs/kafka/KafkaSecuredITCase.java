package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.support.CommittedAlerts;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBroker;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import io.patchwatch.testkit.tls.SelfSignedCertificate;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a broker that only speaks SASL_SSL (SCRAM-SHA-512, a self-signed certificate the
 * job trusts through its PEM): alerts arrive, and the password, read from a file where the Kafka
 * client runs, is in no log line, not in the job graph and in no REST answer of the cluster.
 */
class KafkaSecuredITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final String PASSWORD = "Sc-r4m\"p@ss\\word-7f3e9b";
    /** A part of the password no escaping changes: what must appear nowhere. */
    private static final String PASSWORD_PART = "word-7f3e9b";

    @TempDir
    Path dir;

    @Test
    void theJobReadsAndWritesThroughSaslSslWithTheSecretNowhereButWhereItIsUsed() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("tls"), "ip:127.0.0.1,dns:localhost");
        Path passwordFile = dir.resolve("kafka-password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        StringWriter logs = new StringWriter();
        WriterAppender capture = captureLogs(logs);
        try (KafkaBroker kafka = KafkaBroker.startSecured(
                new KafkaBroker.Secured("patchwatch", PASSWORD, cert.keyStore(), cert.keyStorePassword()))) {
            kafka.createTopic("secured-in", 1);
            kafka.createTopic("secured-alerts", 1);
            kafka.createTopic("secured-dlq", 1);
            Files.writeString(dir.resolve("job.yaml"), """
                    kafka:
                      bootstrap_servers: %s
                      security_protocol: SASL_SSL
                      starting_offsets: earliest
                      group_id: secured-it
                      sasl: {mechanism: SCRAM-SHA-512, username: patchwatch, password_file: %s}
                      ssl: {truststore: %s}
                    inputs:
                      - {topic: secured-in, format: canonical-json}
                    outputs:
                      alerts_topic: secured-alerts
                      dead_letter_topic: secured-dlq
                    time:
                      idleness: 2s
                      wall_clock_floor: 3s
                    checkpoints:
                      interval: 1s
                    parallelism: 1
                    """.formatted(kafka.secureBootstrapServers(), passwordFile, cert.pem()));
            JobConfig config = JobConfig.load(dir.resolve("job.yaml"));
            StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
            KafkaPipeline.define(env, config, Map.of(), false, Long.MAX_VALUE);

            // 1. No secret in the job graph (operators, their Kafka properties, the configuration).
            JobGraph graph = env.getStreamGraph(false).getJobGraph();
            byte[] serialized = InstantiationUtil.serializeObject(graph);
            assertThat(new String(serialized, StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD_PART).contains("kafka-password");

            JobClient job = env.executeAsync("patchwatch secured it");
            try {
                // 2. A failed patch through the secured listener gives its alert, read back committed
                //    (the input idle after 2 s, time follows the wall clock 3 s behind: it fires then).
                try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(kafka.bootstrapServers())) {
                    String ts = EventTimes.format(System.currentTimeMillis() - 60_000);
                    KafkaTestClients.send(p, "secured-in", 0, null, ("{\"ts\":\"" + ts + "\",\"device\":\"SEC-01\","
                            + "\"kind\":\"patch_failed\",\"kb\":\"KB5044284\",\"error\":\"0x80070643\"}").getBytes(StandardCharsets.UTF_8));
                }
                List<Alert> alerts = CommittedAlerts.await(kafka.bootstrapServers(), "secured-alerts", Duration.ofSeconds(90));
                assertThat(alerts).singleElement().satisfies(a -> {
                    assertThat(a.getRule()).isEqualTo("patch-failed");
                    assertThat(a.getDevice()).isEqualTo("SEC-01");
                });

                // 3. No secret in what the cluster's REST API tells about the job and itself.
                int port = FLINK.getClientConfiguration().get(RestOptions.PORT);
                String id = job.getJobID().toHexString();
                for (String path : List.of("/jobs/" + id, "/jobs/" + id + "/config", "/jobs/" + id + "/plan",
                        "/jobmanager/config", "/taskmanagers")) {
                    String body = get("http://127.0.0.1:" + port + path);
                    assertThat(body).as(path).doesNotContain(PASSWORD_PART);
                }
            } finally {
                job.cancel().get();
            }
        } finally {
            stopCapture(capture);
        }
        // 4. No secret in any log line of the run (Kafka clients logging their configuration included).
        assertThat(logs.toString()).contains("sasl.jaas.config").doesNotContain(PASSWORD_PART);
    }

    /** Every log line of this JVM at INFO and above, Kafka's clients included, into {@code out}. */
    private static WriterAppender captureLogs(StringWriter out) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        WriterAppender appender = WriterAppender.createAppender(
                PatternLayout.newBuilder().withPattern("%p %c{1} - %m%n").build(), null, out, "secret-capture", false, true);
        appender.start();
        cfg.addAppender(appender);
        // The console keeps its warnings-only output; the capture gets INFO and above.
        cfg.getRootLogger().removeAppender("Console");
        cfg.getRootLogger().addAppender(cfg.getAppender("Console"), Level.WARN, null);
        for (LoggerConfig logger : List.of(cfg.getRootLogger(), cfg.getLoggerConfig("org.apache.kafka"))) {
            logger.addAppender(appender, Level.INFO, null);
            logger.setLevel(Level.INFO);
        }
        ctx.updateLoggers();
        return appender;
    }

    private static void stopCapture(WriterAppender appender) {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        cfg.getRootLogger().removeAppender(appender.getName());
        cfg.getRootLogger().setLevel(Level.WARN);
        cfg.getLoggerConfig("org.apache.kafka").removeAppender(appender.getName());
        cfg.getLoggerConfig("org.apache.kafka").setLevel(Level.ERROR);
        ctx.updateLoggers();
        appender.stop();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body();
    }
}
