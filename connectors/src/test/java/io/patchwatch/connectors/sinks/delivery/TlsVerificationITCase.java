package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.splunk.SplunkHecSink;
import io.patchwatch.connectors.config.SecretRef;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.http.RecordingHttpServer;
import io.patchwatch.testkit.tls.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS certificates are verified, by default and without a way around it: a receiver with a
 * certificate nobody vouches for, or one issued for another host name, gets nothing (the alert
 * goes to failed deliveries with the TLS error); with its CA named in {@code ca_file}, it gets the alert.
 */
class TlsVerificationITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final DeliveryPolicy SHORT = new DeliveryPolicy(4, Duration.ofSeconds(5), Duration.ofMillis(200),
            Duration.ofMillis(500), Duration.ofSeconds(2), 100, Duration.ZERO);

    @TempDir
    Path dir;

    private SinkSpec hec(String url, String caFile) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "hec-token");
        return new SinkSpec("hec-" + (caFile == null ? "jvm-trust" : "ca-file"), "splunk-hec",
                new SplunkHecSink.Settings(new HttpEndpoint(url, caFile, Map.of()), SecretRef.ofFile(token.toString()), null),
                AlertRoute.all(), SHORT);
    }

    @Test
    void httpsReceiversAreVerified() throws Exception {
        SelfSignedCertificate good = SelfSignedCertificate.create(dir.resolve("good"), "ip:127.0.0.1,dns:localhost");
        SelfSignedCertificate otherHost = SelfSignedCertificate.create(dir.resolve("other"), "dns:siem.example.com");
        try (RecordingHttpServer trusted = RecordingHttpServer.startHttps(good.serverContext());
             RecordingHttpServer wrongName = RecordingHttpServer.startHttps(otherHost.serverContext())) {
            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(),
                    List.of(TestAlerts.offline("acme", "SRV-01", 1)), List.of(
                            hec(trusted.url(), null),
                            hec(trusted.url(), good.pem().toString()),
                            new SinkSpec("hec-wrong-name", "splunk-hec", new SplunkHecSink.Settings(
                                    new HttpEndpoint(wrongName.url(), otherHost.pem().toString(), Map.of()),
                                    SecretRef.ofFile(dir.resolve("token").toString()), null), AlertRoute.all(), SHORT)));

            // Only the sink that trusts the receiver's CA delivered.
            assertThat(trusted.accepted()).hasSize(1);
            assertThat(wrongName.requests()).isEmpty();
            assertThat(failed).extracting(f -> f.sink).containsExactlyInAnyOrder("hec-jvm-trust", "hec-wrong-name");
            assertThat(failed).allSatisfy(f -> {
                assertThat(f.reason).isEqualTo("max_age");
                assertThat(f.response).contains("SSLHandshakeException");
            });
            assertThat(failed.stream().filter(f -> f.sink.equals("hec-wrong-name")).findFirst().orElseThrow().response)
                    .contains("127.0.0.1");
        }
    }
}
