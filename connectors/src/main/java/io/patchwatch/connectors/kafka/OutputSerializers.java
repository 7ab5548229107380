package io.patchwatch.connectors.kafka;

import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.sinks.delivery.FailedDelivery;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;
import io.patchwatch.schemas.DeviceEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What patchwatch writes to Kafka, and with which key:
 *
 * <ul>
 *   <li>alerts: Avro single-object, key = dedup key (a firing and its resolve land in one partition,
 *       in order; a compacted topic keeps each incident's latest state);
 *   <li>alerts JSON mirror: the alert JSON of the README, same key;
 *   <li>dead letters: Avro {@code DeadLetter} (the original bytes, origin and reason), key = origin,
 *       with headers {@code patchwatch.reason} and {@code patchwatch.origin} for quick filtering;
 *   <li>failed deliveries: JSON (sink, reason, the receiver's answer, the alert), key = dedup key,
 *       headers {@code patchwatch.sink} and {@code patchwatch.reason};
 *   <li>events: the normalized events, Avro, key = tenant/device;
 *   <li>device status: Avro {@code DeviceStatus}, key = tenant/device, a tombstone when a device
 *       is forgotten (a compacted topic: the newest status of every device).
 * </ul>
 *
 * Records carry the time they were written (the producer's clock), never the event time, which is
 * in the payload: a topic's time retention (7 days by default) would otherwise delete a backfill's
 * alerts, dated days ago, as soon as they are written.
 */
public final class OutputSerializers {
    private OutputSerializers() {}

    public static KafkaRecordSerializationSchema<Alert> alertsAvro(String topic) {
        return (alert, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                utf8(alert.getDedupKey()), AvroSingleObject.encode(alert));
    }

    public static KafkaRecordSerializationSchema<Alert> alertsJson(String topic) {
        return (alert, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                utf8(alert.getDedupKey()), utf8(AlertJson.toJson(alert)));
    }

    public static KafkaRecordSerializationSchema<DeadLetter> deadLetters(String topic) {
        return (d, context, timestamp) -> {
            List<Header> headers = List.of(
                    new RecordHeader("patchwatch.reason", utf8(d.getReason())),
                    new RecordHeader("patchwatch.origin", utf8(d.getOrigin())));
            return new ProducerRecord<>(topic, null, null, utf8(d.getOrigin()),
                    AvroSingleObject.encode(d), headers);
        };
    }

    public static KafkaRecordSerializationSchema<FailedDelivery> failedDeliveries(String topic) {
        return (f, context, timestamp) -> new ProducerRecord<>(topic, null, null, utf8(f.dedupKey), utf8(f.toJson()),
                List.of(new RecordHeader("patchwatch.sink", utf8(f.sink)), new RecordHeader("patchwatch.reason", utf8(f.reason))));
    }

    public static KafkaRecordSerializationSchema<DeviceEvent> events(String topic) {
        return (e, context, timestamp) -> new ProducerRecord<>(topic, null, null,
                utf8(e.getTenant() + "/" + e.getDevice().toLowerCase(java.util.Locale.ROOT)), AvroSingleObject.encode(e));
    }

    /** Records already encoded ({@link KeyedRecord}), tombstones included. */
    public static KafkaRecordSerializationSchema<KeyedRecord> keyed(String topic) {
        return (r, context, timestamp) -> new ProducerRecord<>(topic, null, null, utf8(r.key), r.value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
