package io.patchwatch.connectors.kafka;

import io.patchwatch.connectors.adapters.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka records as they are: bytes, where they came from ({@code topic/partition/offset}) and the
 * record time. Parsing happens after the source, in the adapter, so that a bad record becomes a dead
 * letter instead of failing the source. A null value (tombstone) is passed on: the adapter makes it
 * an "empty" dead letter.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(new RawRecord(record.topic() + "/" + record.partition() + "/" + record.offset(),
                record.value(), record.timestamp()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
