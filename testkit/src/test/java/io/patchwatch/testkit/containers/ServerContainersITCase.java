package io.patchwatch.testkit.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Container;
import io.patchwatch.testkit.alertmanager.AlertmanagerServer;
import io.patchwatch.testkit.flink.FlinkCluster;
import io.patchwatch.testkit.kafka.KafkaBroker;
import io.patchwatch.testkit.prometheus.PrometheusServer;
import io.patchwatch.testkit.syslog.RsyslogServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * The test servers really run as containers of the project's images when the build says so, answer
 * on 127.0.0.1, and leave no container behind. Only meaningful with containers: the no-Docker
 * fallback ({@code -Dpatchwatch.testkit.servers=processes}) leaves it out.
 */
@EnabledIfSystemProperty(named = ServerContainers.SERVERS_PROPERTY, matches = "containers")
class ServerContainersITCase {

    @Test
    void prometheusAlertmanagerAndRsyslogRunInLabelledContainersOfTheirImagesAndAreRemovedOnClose(@TempDir Path dir)
            throws Exception {
        List<String> before = ids(testContainers());   // the JVM's shared broker may be running
        try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), List.of("127.0.0.1:1"));
             AlertmanagerServer alertmanager = AlertmanagerServer.start(dir.resolve("alertmanager"));
             RsyslogServer rsyslog = RsyslogServer.start(dir.resolve("rsyslog"))) {
            assertThat(testContainers()).filteredOn(c -> !before.contains(c.getId())).extracting(Container::getImage)
                    .containsExactlyInAnyOrder(
                    ServerImage.PROMETHEUS.imageName(), ServerImage.ALERTMANAGER.imageName(), ServerImage.RSYSLOG.imageName());
            assertThat(prometheus.url()).startsWith("http://127.0.0.1:");
            assertThat(prometheus.query("up")).contains("\"status\":\"success\"");
            assertThat(alertmanager.alerts().strip()).isEqualTo("[]");

            // The container writes into the test's folder, which is mounted at the same path.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), rsyslog.port());
                 OutputStream out = s.getOutputStream()) {
                out.write("<134>1 2026-11-10T02:00:00Z host app - - - hello from the host\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(rsyslog.awaitMessages(1, Duration.ofSeconds(10)).get(0)).contains("hello from the host");
        }
        assertThat(ids(testContainers())).isEqualTo(before);
    }

    @Test
    void theKafkaBrokerRunsInAContainerOfTheKafkaImageAndIsRemovedOnClose() throws Exception {
        List<String> before = ids(testContainers());
        try (KafkaBroker kafka = KafkaBroker.startTemporary()) {
            assertThat(testContainers()).filteredOn(c -> !before.contains(c.getId())).extracting(Container::getImage)
                    .containsExactly(ServerImage.KAFKA.imageName());
            kafka.createTopic("in-a-container", 1);
            try (var admin = kafka.admin()) {
                assertThat(admin.listTopics().names().get()).contains("in-a-container");
            }
        }
        assertThat(ids(testContainers())).isEqualTo(before);
    }

    @Test
    void theFlinkJobManagerAndTaskManagerRunInContainersAndAKilledTaskManagerIsGone() throws Exception {
        List<String> before = ids(testContainers());
        try (FlinkCluster flink = FlinkCluster.startTemporary(Map.of())) {
            assertThat(testContainers()).filteredOn(c -> !before.contains(c.getId())).extracting(Container::getImage)
                    .containsExactly(ServerImage.FLINK.imageName(), ServerImage.FLINK.imageName());
            assertThat(flink.get("/overview")).contains("\"taskmanagers\":1");
            flink.killTaskManager();
            assertThat(testContainers()).filteredOn(c -> !before.contains(c.getId())).hasSize(1);
        }
        assertThat(ids(testContainers())).isEqualTo(before);
    }

    private static List<String> ids(List<Container> containers) {
        return containers.stream().map(Container::getId).sorted().toList();
    }

    private static List<Container> testContainers() {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ServerContainers.LABEL, "server")).exec();
    }
}
