package io.patchwatch.connectors.sinks.syslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.sinks.delivery.DeliveryJobs;
import java.util.Set;
import io.patchwatch.testkit.tls.SelfSignedCertificate;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.connectors.sinks.delivery.DeliveryPolicy;
import io.patchwatch.connectors.sinks.delivery.AlertRoute;
import io.patchwatch.connectors.sinks.delivery.FailedDelivery;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.syslog.RsyslogServer;
import java.util.Map;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CEF alerts in RFC 5424 messages over TCP to a real rsyslog: what rsyslog stores reads back, field by
 * field, with a CEF reader, values holding {@code |}, {@code =}, {@code \} and line breaks included.
 */
class SyslogToRsyslogITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static final CefFormat CEF = new CefFormat("0.1.0");

    @TempDir
    Path dir;

    private static Alert alert(String device, String message, AlertStatus status) {
        return Alert.newBuilder().setRule("service-down-after-reboot").setStatus(status).setTs(1_762_740_000_000L)
                .setSeverity("error").setTenant("acme").setSite("hq").setDevice(device).setKbs(List.of("KB5044284"))
                .setService("MSSQLSERVER").setMessage(message).setContext(AlertContext.newBuilder().build())
                .setDedupKey("acme/" + device + "/service-down-after-reboot/1762740000000/1/MSSQLSERVER").build();
    }

    private static String syslog(Alert a) {
        String cef = CEF.format(a);
        return Rfc5424.message(Rfc5424.DEFAULT_FACILITY, Rfc5424.syslogSeverity(CefFormat.severity(a)), a.getTs(),
                "patchwatch-test", "patchwatch", a.getRule(), cef);
    }

    @Test
    void cefLinesArriveAndReadBackFieldByField() throws Exception {
        Alert plain = alert("SQL-01", "MSSQLSERVER is not running after the post-patch reboot of SQL-01 (KB5044284)",
                AlertStatus.firing);
        Alert tricky = alert("SQL|02=x\\y", "line one\nmsg=forged | pipe \\ backslash", AlertStatus.firing);
        Alert resolved = alert("SQL-01", plain.getMessage(), AlertStatus.resolved);

        try (RsyslogServer rsyslog = RsyslogServer.start(dir);
             SyslogTcpClient client = new SyslogTcpClient("127.0.0.1", rsyslog.port(), null, 5_000)) {
            client.send(syslog(plain));
            client.send(syslog(tricky));
            client.send(syslog(resolved));

            List<String> lines = rsyslog.awaitMessages(3, Duration.ofSeconds(20));
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("<131>1 2025-11-10T02:00:00.000Z patchwatch-test patchwatch - "
                    + "service-down-after-reboot - CEF:0|");

            CefParser.Event first = CefParser.parse(lines.get(0).substring(lines.get(0).indexOf("CEF:")));
            assertThat(first.header()).containsExactly("0", "patchwatch", "patchwatch", "0.1.0",
                    "service-down-after-reboot", plain.getMessage(), "7");
            assertThat(first.extensions()).containsEntry("dvchost", "SQL-01").containsEntry("cs4", "MSSQLSERVER")
                    .containsEntry("externalId", plain.getDedupKey()).containsEntry("act", "firing");

            CefParser.Event second = CefParser.parse(lines.get(1).substring(lines.get(1).indexOf("CEF:")));
            assertThat(second.extensions().get("dvchost")).isEqualTo("SQL|02=x\\y");
            assertThat(second.extensions().get("msg")).isEqualTo(tricky.getMessage());
            assertThat(second.extensions()).doesNotContainKey("msg=forged");

            CefParser.Event third = CefParser.parse(lines.get(2).substring(lines.get(2).indexOf("CEF:")));
            assertThat(third.header().get(6)).isEqualTo("0");
            assertThat(third.extensions()).containsEntry("act", "resolved")
                    .containsEntry("externalId", plain.getDedupKey());
        }
    }

    @Test
    void overTlsRsyslogReceivesFromTheSinkThatTrustsItsCertificateAndNothingFromTheOneThatDoesNot() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("tls"), "ip:127.0.0.1");
        Alert trusted = alert("SQL-05", "MSSQLSERVER is not running after the post-patch reboot of SQL-05", AlertStatus.firing);
        Alert untrusted = Alert.newBuilder(alert("SQL-06", "MSSQLSERVER is not running after the post-patch reboot of SQL-06",
                AlertStatus.firing)).setTenant("globex").setDedupKey("globex/SQL-06/service-down-after-reboot/1/MSSQLSERVER").build();
        DeliveryPolicy shortLived = new DeliveryPolicy(4, Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(3), 100, Duration.ZERO);
        try (RsyslogServer rsyslog = RsyslogServer.startTls(dir.resolve("rsyslog"), cert.pem(), cert.keyPem())) {
            // acme's alerts to the sink that trusts the receiver's CA (ca_file) ...
            SinkSpec trusting = new SinkSpec("siem-tls", "syslog", new SyslogSink.Settings("127.0.0.1", rsyslog.port(), true,
                    cert.pem().toString(), "cef", Rfc5424.DEFAULT_FACILITY, "patchwatch", "patchwatch-01"),
                    new AlertRoute(Set.of("acme"), Set.of(), Set.of()), shortLived);
            // ... globex's to the control: TLS verified against the JVM's trust store, without the test CA.
            SinkSpec jvmTrust = new SinkSpec("siem-jvm-trust", "syslog", new SyslogSink.Settings("127.0.0.1", rsyslog.port(), true,
                    null, "cef", Rfc5424.DEFAULT_FACILITY, "patchwatch", "patchwatch-01"),
                    new AlertRoute(Set.of("globex"), Set.of(), Set.of()), shortLived);

            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(), List.of(trusted, untrusted),
                    List.of(trusting, jvmTrust));

            List<String> lines = rsyslog.awaitMessages(1, Duration.ofSeconds(20));
            assertThat(lines).singleElement().asString().contains(" CEF:0|patchwatch|").contains("dvchost=SQL-05");
            assertThat(failed).singleElement().satisfies(f -> {
                assertThat(f.sink).isEqualTo("siem-jvm-trust");
                assertThat(f.response).contains("SSLHandshakeException");
            });
        }
    }

    @Test
    void theSyslogSinkDeliversCefAndLeefThroughTheJob() throws Exception {
        Alert firing = alert("SQL-04", "MSSQLSERVER stopped | code=1067 \\ see\nlog", AlertStatus.firing);
        Alert resolved = alert("SQL-04", "SQL-04 is back", AlertStatus.resolved);
        try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
            List<FailedDelivery> failed = DeliveryJobs.run(PatchwatchMiniCluster.environment(), List.of(firing, resolved), List.of(
                    DeliveryJobs.spec("siem-cef", "syslog", SyslogSink.Settings.tcp("127.0.0.1", rsyslog.port(), "cef", "patchwatch-01"),
                            DeliveryJobs.FAST_RETRIES),
                    DeliveryJobs.spec("qradar", "syslog", SyslogSink.Settings.tcp("127.0.0.1", rsyslog.port(), "leef", "patchwatch-01"),
                            DeliveryJobs.FAST_RETRIES)));
            assertThat(failed).isEmpty();

            List<String> lines = rsyslog.awaitMessages(4, Duration.ofSeconds(20));
            List<String> cef = lines.stream().filter(l -> l.contains(" CEF:0|")).toList();
            List<String> leef = lines.stream().filter(l -> l.contains(" LEEF:1.0|")).toList();
            assertThat(cef).hasSize(2);
            assertThat(leef).hasSize(2);
            assertThat(lines).allSatisfy(l -> assertThat(l).contains(" patchwatch-01 patchwatch - service-down-after-reboot - "));
            CefParser.Event fired = CefParser.parse(cef.stream().filter(l -> l.contains("act=firing")).findFirst().orElseThrow()
                    .replaceFirst("^.*? CEF:", "CEF:"));
            assertThat(fired.extensions()).containsEntry("msg", firing.getMessage()).containsEntry("dvchost", "SQL-04");
            // rsyslog stores a received tab as #011 (its escapeControlCharactersOnReceive default).
            assertThat(leef).anySatisfy(l -> assertThat(l.replace("#011", "\t"))
                    .contains("|service-down-after-reboot|devTime=1762740000000\tsev=1\tact=resolved\tdvchost=SQL-04\t"));
        }
    }

    @Test
    void aReceiverThatIsDownIsAnErrorForTheCaller() throws Exception {
        int port;
        try (RsyslogServer rsyslog = RsyslogServer.start(dir.resolve("first"))) {
            port = rsyslog.port();
        }
        try (SyslogTcpClient client = new SyslogTcpClient("127.0.0.1", port, null, 2_000)) {
            assertThatThrownBy(() -> client.send(syslog(alert("SQL-03", "m", AlertStatus.firing))))
                    .isInstanceOf(IOException.class);
        }
    }
}
