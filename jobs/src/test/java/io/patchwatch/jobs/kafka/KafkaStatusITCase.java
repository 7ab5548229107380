package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patchwatch.jobs.cli.PatchwatchCliAccess;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.jobs.status.StatusTopic;
import io.patchwatch.jobs.support.StatusNight;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.schemas.PatchState;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The device-status topic of a job on Kafka (FLEET.md, Patch status): created compacted, a few
 * committed records per device, a tombstone for a device forgotten, and {@code patchwatch status}
 * reading it: counts per tenant and site, the devices in a state, exit 1 when there are any.
 */
class KafkaStatusITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theJobWritesEveryDevicesStatusAndTheCommandCountsIt() throws Exception {
        // 1. The job, to the end of the night: devices not heard of for an hour are forgotten.
        String status = "device-status-" + UUID.randomUUID().toString().substring(0, 8);
        JobConfig config = StatusNight.runJob(KAFKA, status);

        // 2. The topic: compacted, committed records only, a few per device, RETIRED-1's last a tombstone.
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, status);
            assertThat(admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy").value()).isEqualTo("compact");
        }
        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestClients.readAll(KAFKA.bootstrapServers(), status, true);
        Map<String, Integer> perDevice = new HashMap<>();
        Map<String, byte[]> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            perDevice.merge(key, 1, Integer::sum);
            last.put(key, r.value());
        }
        assertThat(perDevice.keySet()).containsExactlyInAnyOrder("acme/ok-1", "acme/fail-1", "acme/gone-1", "acme/pend-1", "acme/svc-1",
                "acme/retired-1");
        // At most one record per 10 minutes of the night per device (02:00 to 02:45, and the last change).
        assertThat(perDevice.values()).allSatisfy(n -> assertThat(n).isBetween(1, 6));
        assertThat(last.get("acme/retired-1")).as("the forgotten device's tombstone: " + records.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8) + (r.value() == null ? "=null" : "")).toList()).isNull();
        assertThat(last.get("acme/ok-1")).as("a device heard of all night is kept").isNotNull();

        Properties client = config.kafka().clientProperties();
        FleetStatus fleet = StatusTopic.read(client, status);
        assertThat(fleet.size()).isEqualTo(5);
        assertThat(fleet.device("acme/gone-1").getState()).isEqualTo(PatchState.offline);
        assertThat(fleet.device("acme/fail-1").getState()).isEqualTo(PatchState.failed);
        assertThat(fleet.device("acme/svc-1").getState()).isEqualTo(PatchState.service_down);
        assertThat(fleet.device("acme/pend-1").getState()).isEqualTo(PatchState.pending_reboot);
        assertThat(fleet.device("acme/ok-1").getState()).isEqualTo(PatchState.healthy);
        assertThat(fleet.device("acme/ok-1").getTimeline()).extracting(s -> s.getWhat())
                .containsSubsequence("session_opened", "installed", "restart_initiated", "booted");

        // 3. A record another tool wrote under a device key: counted, never fatal.
        try (var p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            KafkaTestClients.send(p, status, null, "acme/junk".getBytes(StandardCharsets.UTF_8), "{not avro".getBytes(StandardCharsets.UTF_8));
        }

        // 4. The command: counts per tenant and site, then the devices in the asked state.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(new String[] {"status", "--bootstrap", KAFKA.bootstrapServers(), "--topic", status,
                "--state", "offline"}, out);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(1);
        assertThat(printed).containsPattern("acme\\s+-\\s+5\\s+1\\s+0\\s+1\\s+1\\s+1\\s+1")
                .contains("1 unreadable record on the topic")
                .contains("1 device offline:")
                .contains("acme/GONE-1")
                .contains("offline-after-patch (paged)");

        // No device patching: exit 0, the control of the exit code.
        out.reset();
        code = PatchwatchCliAccess.run(new String[] {"status", "--bootstrap", KAFKA.bootstrapServers(), "--topic", status,
                "--state", "patching"}, out);
        assertThat(code).as(out.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("0 devices patching:");

        out.reset();
        code = PatchwatchCliAccess.run(new String[] {"status", "--bootstrap", KAFKA.bootstrapServers(), "--topic", status,
                "--state", "service-down", "--json"}, out);
        assertThat(code).isEqualTo(1);
        JsonNode doc = JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(doc.get("counts").get(0).get("devices").asInt()).isEqualTo(5);
        assertThat(doc.get("counts").get(0).get("states").get("failed").asInt()).isEqualTo(1);
        assertThat(doc.get("devices").findValuesAsText("device")).containsExactly("SVC-1");
        assertThat(doc.get("devices").get(0).get("services_down").toString()).isEqualTo("[\"MSSQLSERVER\"]");
        assertThat(doc.get("unreadable").asInt()).isEqualTo(1);
    }

    @Test
    void thePageWarnsWhenItListensBeyondLoopbackAndStopsWithoutItsTopic() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = PatchwatchCliAccess.run(new String[] {"status", "serve", "--bootstrap", KAFKA.bootstrapServers(), "--topic",
                "no-such-status-topic", "--listen", "0.0.0.0:0"}, out, err);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: the status page listens on 0.0.0.0:0")
                .contains("no authentication").contains("status topic no-such-status-topic does not exist");

        // On loopback (the default's address): no warning, the same stop.
        err.reset();
        code = PatchwatchCliAccess.run(new String[] {"status", "serve", "--bootstrap", KAFKA.bootstrapServers(), "--topic",
                "no-such-status-topic", "--listen", "127.0.0.1:0"}, out, err);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("warning").contains("does not exist");
    }
}
