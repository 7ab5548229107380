package io.patchwatch.jobs.support;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A short patch night of three devices for the restart tests: alerts before and after a restart
 * that comes between 02:30 and 02:31, on a two-partition input topic, and the reference (replay of
 * the whole night) they must equal.
 */
public final class RestartNight {
    private RestartNight() {}

    public static final String FIRST_HALF = """
            02:00 SRV-A heartbeat
            02:00 SRV-B heartbeat
            02:01 SRV-A patch_installed kb=KB1
            02:01 SRV-B patch_failed kb=KB2 error=0x1
            02:00 SRV-C heartbeat
            02:01 SRV-C patch_installed kb=KB3
            02:02 SRV-C reboot_initiated
            02:02 SRV-B heartbeat
            02:10 SRV-B heartbeat
            02:18 SRV-B heartbeat
            02:26 SRV-B heartbeat
            02:30 SRV-A heartbeat
            """;
    /**
     * Each device's partition: both partitions have events in each half, and the clock's last
     * heartbeats move both to 04:00, so time never waits for a partition to be declared idle.
     */
    private static final Map<String, Integer> PARTITIONS = Map.of("SRV-A", 0, "CLOCK-0", 0, "SRV-B", 1, "CLOCK-1", 1, "SRV-C", 0);
    public static final String SECOND_HALF = """
            02:31 SRV-B heartbeat
            02:39 SRV-B heartbeat
            02:41 SRV-A heartbeat
            02:45 SRV-C heartbeat
            03:00 SRV-C booted
            02:47 SRV-B heartbeat
            02:55 SRV-A heartbeat
            02:55 SRV-B patch_installed kb=KB2
            03:05 SRV-A heartbeat
            03:05 SRV-B heartbeat
            04:00 CLOCK-0 heartbeat
            04:00 CLOCK-1 heartbeat
            """;

    /** Writes {@code compact} (Scenario lines) to a two-partition topic, each device to its partition. */
    public static void produce(String bootstrap, String topic, String compact) {
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(bootstrap)) {
            for (String line : Scenario.of(compact).jsonLines()) {
                String device = line.replaceAll(".*\"device\":\"([^\"]+)\".*", "$1");
                KafkaTestClients.send(p, topic, PARTITIONS.get(device), device.getBytes(StandardCharsets.UTF_8),
                        line.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** The reference: replay of the whole night, its clock stopped where the live job's watermark is. */
    public static List<Alert> expected() throws Exception {
        List<RawRecord> records = new ArrayList<>();
        for (String l : Scenario.of(FIRST_HALF + SECOND_HALF).jsonLines()) {
            records.add(new RawRecord("replay", l.getBytes(StandardCharsets.UTF_8)));
        }
        return FirstRulesVersion.of(Replay.run(PatchwatchMiniCluster.environment(), records, false,
                Adapters.create("canonical-json", AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                RuleSet.defaults(), Inventory.empty(), null).alerts());
    }
}
