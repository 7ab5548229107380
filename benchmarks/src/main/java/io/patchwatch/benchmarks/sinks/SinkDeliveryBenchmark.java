package io.patchwatch.benchmarks.sinks;

import io.patchwatch.connectors.sinks.SinkSettings;
import io.patchwatch.connectors.sinks.alertmanager.AlertmanagerSink;
import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.opsgenie.OpsgenieSink;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutySink;
import io.patchwatch.connectors.sinks.servicenow.ServiceNowSink;
import io.patchwatch.connectors.sinks.splunk.SplunkHecSink;
import io.patchwatch.connectors.sinks.syslog.SyslogSink;
import io.patchwatch.connectors.sinks.webhook.WebhookSink;
import io.patchwatch.connectors.sinks.delivery.AlertRoute;
import io.patchwatch.connectors.sinks.delivery.DeliveryOperator;
import io.patchwatch.connectors.sinks.delivery.DeliveryPolicy;
import io.patchwatch.connectors.sinks.delivery.FailedDelivery;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.alertmanager.AlertmanagerServer;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.syslog.RsyslogServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Deliveries per second to a local receiver, per sink: {@code ALERTS} distinct firing alerts through
 * one delivery operator (parallelism 1, the default 8 requests in flight) to an HTTP receiver on
 * 127.0.0.1 answering at once (PagerDuty, ServiceNow, Opsgenie, Splunk HEC, webhook), a real
 * Alertmanager and a real rsyslog. Each sink runs two whole jobs, with {@code ALERTS} and with three
 * times as many; the rate is the extra alerts over the extra time, so a job's fixed cost (start,
 * stop) cancels out. Every receiver is checked to have got every alert.
 *
 * <pre>{@code bin/patchwatch bench sinks [ALERTS]}</pre>
 */
public final class SinkDeliveryBenchmark {
    private SinkDeliveryBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Alert> small = alerts(0, n);
        List<Alert> large = alerts(n, 4 * n);
        Path dir = Files.createTempDirectory("patchwatch-bench-sinks");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "bench-secret");
        SecretRef ref = SecretRef.ofFile(secret.toString());
        DeliveryPolicy policy = DeliveryPolicy.defaults();

        System.out.printf("patchwatch bench sinks: %,d then %,d alerts, one delivery operator (parallelism 1, %d in flight), "
                + "receivers on 127.0.0.1, %d cores%n", n, 3 * n, policy.maxInFlight(), Runtime.getRuntime().availableProcessors());
        System.out.printf("  %-14s %12s %10s %10s%n", "sink", "deliveries/s", "s (N)", "s (3N)");
        try (RecordingHttpServer http = RecordingHttpServer.start()) {
            http.answer(r -> RecordingHttpServer.Answer.status(202));
            http.discardBodies();
            // Warm-up: the JIT, Flink's first job, the HTTP client.
            run(small, spec("warm-up", "webhook", new WebhookSink.Settings(HttpEndpoint.of(http.url() + "/warm-up"), null, null,
                    "{\"d\": \"{{device}}\"}"), policy));
            String template = "{\"text\": \"[{{severity}}] {{message}}\", \"alert\": {{alert_json}}}";
            List<SinkSpec> httpSinks = List.of(
                    spec("pagerduty", "pagerduty", new PagerDutySink.Settings(HttpEndpoint.of(http.url() + "/v2/enqueue"), ref), policy),
                    spec("servicenow", "servicenow", new ServiceNowSink.Settings(HttpEndpoint.of(http.url()), "bench", ref), policy),
                    spec("opsgenie", "opsgenie", new OpsgenieSink.Settings(HttpEndpoint.of(http.url()), ref), policy),
                    spec("splunk-hec", "splunk-hec", new SplunkHecSink.Settings(HttpEndpoint.of(http.url()), ref, "itops"), policy),
                    spec("webhook", "webhook", new WebhookSink.Settings(HttpEndpoint.of(http.url() + "/hook"), null, ref, template),
                            policy));
            for (SinkSpec spec : httpSinks) {
                int before = http.accepted().size();
                measure(spec.type(), spec, small, large, () -> http.accepted().size() - before);
            }
        }
        try (AlertmanagerServer am = AlertmanagerServer.start(dir.resolve("alertmanager"))) {
            measure("alertmanager", spec("alertmanager", "alertmanager", new AlertmanagerSink.Settings(HttpEndpoint.of(am.url()),
                    null, Duration.ZERO, Duration.ofMinutes(15)), policy), small, large, () -> countAlertmanagerAlerts(am));
        }
        try (RsyslogServer rsyslog = RsyslogServer.start(dir.resolve("rsyslog"))) {
            measure("syslog (cef)", spec("syslog-cef", "syslog", SyslogSink.Settings.tcp("127.0.0.1", rsyslog.port(), "cef",
                    "patchwatch-bench"), policy), small, large, () -> {
                        try {
                            return rsyslog.awaitMessages(4 * n, Duration.ofSeconds(120)).size();
                        } catch (Exception e) {
                            return -1;
                        }
                    });
        }
    }

    private static void measure(String sink, SinkSpec spec, List<Alert> small, List<Alert> large, IntSupplier received)
            throws Exception {
        double t1 = run(small, spec);
        double t3 = run(large, spec);
        int n = small.size() + large.size();
        int got = received.getAsInt();
        System.out.printf("  %-14s %,12.0f %10.2f %10.2f%s%n", sink, (large.size() - small.size()) / (t3 - t1), t1, t3,
                got == n ? "" : "   RECEIVED " + got + " OF " + n);
    }

    private static int countAlertmanagerAlerts(AlertmanagerServer am) {
        try {
            String json = am.alerts();
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static SinkSpec spec(String name, String type, SinkSettings settings, DeliveryPolicy policy) {
        return new SinkSpec(name, type, settings, AlertRoute.all(), policy);
    }

    /** One bounded job: the alerts into the sink; returns its wall time in seconds (it ends when all are delivered). */
    private static double run(List<Alert> alerts, SinkSpec spec) throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(1);
        env.fromData(alerts, new AvroTypeInfo<>(Alert.class))
                .keyBy(Alert::getDedupKey)
                .transform("Deliver to " + spec.name(), TypeInformation.of(FailedDelivery.class),
                        new DeliveryOperator(spec, "bench", false))
                .sinkTo(new DiscardingSink<>());
        long start = System.nanoTime();
        env.execute("bench " + spec.name());
        return (System.nanoTime() - start) / 1e9;
    }

    /** Distinct firing alerts, devices {@code from} to {@code to} - 1. */
    static List<Alert> alerts(int from, int to) {
        List<Alert> out = new ArrayList<>(to - from);
        long night = 1_762_740_000_000L;
        for (int i = from; i < to; i++) {
            String device = String.format("SRV-%06d", i);
            out.add(Alert.newBuilder().setRule("offline-after-patch").setStatus(AlertStatus.firing)
                    .setTs(night + 27 * 60_000L).setSeverity("critical").setTenant("tenant-" + (i % 50)).setSite("hq")
                    .setDevice(device).setKbs(List.of("KB5044284")).setService(null)
                    .setMessage(device + " is offline following a scheduled patch installation (KB5044284)")
                    .setContext(AlertContext.newBuilder().setInstalledAt(night + 60_000L).setLastSeen(night + 17 * 60_000L)
                            .setSilentForS(600L).build())
                    .setDedupKey("tenant-" + (i % 50) + "/" + device + "/offline-after-patch/" + (night + 60_000L) + "/1")
                    .build());
        }
        return out;
    }
}
