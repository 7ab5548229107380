package io.patchwatch.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job between real Kafka topics: canonical JSON and Avro in, exactly-once alerts and dead letters out. */
class KafkaPipelineITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String RULES = RuleSet.defaults().sourceText() + "\nnoise:\n  feed_silence_after: 1d\n";

    private static final Scenario NIGHT = Scenario.of("""
            01:00 SRV-PRN-01 service_state service=Spooler state=running
            02:00 SRV-01 heartbeat
            02:00 SRV-PRN-01 heartbeat
            02:03 SRV-01 patch_installed kb=KB5044284 reboot_required=true
            02:03 SRV-PRN-01 patch_installed kb=KB5044284 reboot_required=true
            02:04 SRV-01 reboot_initiated reason=patch
            02:04 SRV-PRN-01 reboot_initiated reason=patch
            02:06 SRV-PRN-01 booted
            02:07 SRV-PRN-01 heartbeat
            02:12 SRV-PRN-01 heartbeat
            02:17 SRV-PRN-01 heartbeat
            02:20 SRV-PRN-01 patch_failed kb=KB5044099 error=0x80070643
            02:22 SRV-PRN-01 heartbeat
            02:27 SRV-PRN-01 heartbeat
            02:30 SRV-PRN-01 service_state service=Spooler state=running
            02:40 SRV-01 booted
            02:41 SRV-01 heartbeat
            02:45 SRV-PRN-01 heartbeat
            """);

    @Test
    void alertsReadCommittedEqualReplayAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        String json = KAFKA.newTopic("rmm-json", 2);
        String avro = KAFKA.newTopic("rmm-avro", 1);
        String alerts = KAFKA.newTopic("alerts", 1);
        String alertsJson = KAFKA.newTopic("alerts-json", 1);
        String deadLetters = KAFKA.newTopic("dead-letters", 1);
        String events = KAFKA.newTopic("events", 1);

        // 1. The night: SRV-01's events as canonical JSON (keyed by device, and one with a null
        //    key), SRV-PRN-01's as Avro; poison among them.
        List<String> lines = NIGHT.jsonLines();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            boolean first = true;
            for (String line : lines) {
                DeviceEvent e = parse(line);
                if (e.getDevice().equals("SRV-01")) {
                    KafkaTestClients.send(p, json, null, first ? null : utf8(e.getDevice()), utf8(line));
                    first = false;
                } else {
                    KafkaTestClients.send(p, avro, null, utf8(e.getDevice()), bytes(e.toByteBuffer()));
                }
            }
            KafkaTestClients.send(p, json, 0, utf8("x"), utf8("this is not json"));
            KafkaTestClients.send(p, json, 1, utf8("x"), new byte[0]);
            KafkaTestClients.send(p, json, 0, null, utf8("{\"ts\":\"2026-11-10T02:05:00Z\",\"device\":\"SRV-01\",\"ki"));
            byte[] huge = new byte[5 * 1024 * 1024];
            Arrays.fill(huge, (byte) 'x');
            KafkaTestClients.send(p, json, 1, utf8("x"), huge);
            byte[] validAvro = bytes(parse(lines.get(1)).toByteBuffer());
            KafkaTestClients.send(p, avro, 0, utf8("x"), Arrays.copyOf(validAvro, validAvro.length - 5));
            KafkaTestClients.send(p, avro, 0, utf8("x"), utf8("{\"ts\":1,\"device\":\"a\",\"kind\":\"heartbeat\"}"));
        }

        // 2. The job, reading the topics to their end; the clock stops at the last event, as in replay.
        //    Its two topics are two feeds, each quiet for minutes in this short night: feed silence
        //    (KafkaFeedSilenceITCase) is kept out of this comparison of Kafka's I/O with replay.
        Path rules = Files.createTempFile("it-rules", ".yaml");
        Files.writeString(rules, RULES);
        JobConfig config = JobConfig.builder(KAFKA.bootstrapServers()).startingOffsets("earliest").groupId("it-" + alerts)
                .input(json, "canonical-json").input(avro, "avro")
                .alertsTopic(alerts).alertsJsonTopic(alertsJson).deadLetterTopic(deadLetters).eventsTopic(events)
                .settings(JobSettings.builder().wallClockFloorLag(null).build())
                .checkpointInterval(Duration.ofSeconds(1)).parallelism(2).rules(rules.toAbsolutePath())
                .build();
        StreamExecutionEnvironment env = PatchwatchMiniCluster.environment(KafkaPipeline.flinkConfiguration(config));
        KafkaPipeline.define(env, config, Map.of(), true, Scenario.time("02:45"));
        env.execute("patchwatch kafka it");

        // 3. What a read_committed consumer sees equals replay of the same events.
        List<ConsumerRecord<byte[], byte[]>> alertRecords =
                KafkaTestClients.readAll(KAFKA.bootstrapServers(), alerts, true);
        List<String> fromKafka = alertRecords.stream().map(r -> decodeAlert(r.value())).sorted(Replay.ALERT_ORDER)
                .map(AlertJson::toJson).toList();
        // Records carry the time they were written, not the (old) event time: a topic's time
        // retention would otherwise delete a backfill's alerts as soon as they are written.
        assertThat(alertRecords).allSatisfy(r ->
                assertThat(r.timestamp()).isGreaterThan(System.currentTimeMillis() - Duration.ofHours(1).toMillis()));
        // The job published its rules file as version 1 of the rules topic; replay runs on that file.
        List<String> fromReplay = io.patchwatch.jobs.support.FirstRulesVersion.of(replay(lines, json, avro)).stream()
                .map(AlertJson::toJson).toList();
        assertThat(fromReplay).as("the scenario raises alerts").hasSizeGreaterThanOrEqualTo(5);
        assertThat(fromKafka).filteredOn(a -> !a.contains("\"rule\":\"feed-silent\"")).allMatch(a -> a.contains("\"rule_version\":1"));
        assertThat(fromKafka).isEqualTo(fromReplay);

        // `patchwatch alerts tail` prints the same alerts, as JSON.
        java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
        int code = io.patchwatch.jobs.cli.PatchwatchCliAccess.run(new String[] {"alerts", "tail", "--bootstrap", KAFKA.bootstrapServers(),
                "--topic", alerts, "--from-beginning", "--max", Integer.toString(fromKafka.size()), "--timeout", "30s"}, tail);
        assertThat(code).isZero();
        assertThat(tail.toString(StandardCharsets.UTF_8).lines().sorted().toList())
                .containsExactlyElementsOf(fromKafka.stream().sorted().toList());

        List<ConsumerRecord<byte[], byte[]>> mirror = KafkaTestClients.readAll(KAFKA.bootstrapServers(), alertsJson, true);
        assertThat(mirror.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).sorted())
                .containsExactlyElementsOf(fromKafka.stream().sorted().toList());
        assertThat(new String(mirror.get(0).key(), StandardCharsets.UTF_8)).contains("/");

        // 4. Every poison message is a dead letter with its reason and where it came from.
        List<DeadLetter> dead = KafkaTestClients.readAll(KAFKA.bootstrapServers(), deadLetters, false)
                .stream().map(r -> decodeDeadLetter(r.value())).toList();
        Map<String, List<String>> reasons = dead.stream().collect(Collectors.groupingBy(
                d -> d.getOrigin().substring(0, d.getOrigin().indexOf('/')), Collectors.mapping(DeadLetter::getReason, Collectors.toList())));
        assertThat(reasons.get(json)).containsExactlyInAnyOrder("malformed", "empty", "malformed", "too_large");
        assertThat(reasons.get(avro)).containsExactlyInAnyOrder("malformed", "malformed");
        assertThat(dead).allMatch(d -> d.getOrigin().matches(".+/\\d+/\\d+"));

        // 5. The normalized events topic holds every good event once or more (at least once).
        List<ConsumerRecord<byte[], byte[]>> normalized = KafkaTestClients.readAll(KAFKA.bootstrapServers(), events, false);
        assertThat(normalized.stream().map(r -> decodeEvent(r.value()).getTs() + "/" + decodeEvent(r.value()).getDevice()).distinct())
                .hasSize((int) lines.stream().distinct().count());
    }

    /** The same events replayed, each from the feed (topic) the live job read it from. */
    private static List<Alert> replay(List<String> lines, String json, String avro) throws Exception {
        List<RawRecord> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            records.add(new RawRecord((l.contains("SRV-PRN-01") ? avro : json) + ":" + (i + 1), utf8(l)));
        }
        return Replay.run(PatchwatchMiniCluster.environment(), records, false,
                Adapters.create("canonical-json", AdapterSettings.defaults()), JobSettings.replay(Long.MAX_VALUE),
                RuleSet.parse(RULES.getBytes(StandardCharsets.UTF_8), "rules.yaml"), Inventory.empty(), null).alerts();
    }

    private static DeviceEvent parse(String line) {
        List<DeviceEvent> out = new ArrayList<>();
        Adapters.create("canonical-json", AdapterSettings.defaults()).parse(utf8(line), "t", Long.MIN_VALUE,
                new io.patchwatch.connectors.adapters.AdapterOutput() {
                    @Override
                    public void event(DeviceEvent e) {
                        out.add(e);
                    }

                    @Override
                    public void deadLetter(io.patchwatch.connectors.adapters.DeadLetterReason r, String f, String d) {
                        throw new AssertionError(d);
                    }
                });
        return out.get(0);
    }

    private static Alert decodeAlert(byte[] b) {
        try {
            return Alert.getDecoder().decode(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DeadLetter decodeDeadLetter(byte[] b) {
        try {
            return DeadLetter.getDecoder().decode(b);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static DeviceEvent decodeEvent(byte[] b) {
        try {
            DeviceEvent e = DeviceEvent.getDecoder().decode(b);
            assertThat(e.getKind()).isNotEqualTo(EventKind.unknown);
            return e;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
