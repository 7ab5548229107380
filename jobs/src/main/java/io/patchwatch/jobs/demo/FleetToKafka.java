package io.patchwatch.jobs.demo;

import io.patchwatch.connectors.adapters.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes a simulated night to Kafka, a topic per feed, keyed by device (one device's events stay in order). */
public final class FleetToKafka {
    private static final Pattern DEVICE = Pattern.compile("\"device\":\"([^\"]+)\"");

    private FleetToKafka() {}

    public static void createTopics(String bootstrap, List<NewTopic> topics) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * @param topics the topic of each feed of the night (the RMM's, the ping collector's)
     * @return how many events were written
     */
    public static long produce(FleetPlan plan, String bootstrap, java.util.Map<String, String> topics) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("linger.ms", "20");
        long n = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            FleetEvents events = new FleetEvents(plan);
            while (events.hasNext()) {
                RawRecord r = events.next();
                Matcher m = DEVICE.matcher(new String(r.payload, 0, Math.min(r.payload.length, 200), StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topics.get(FleetPlan.feedOf(r)), m.find() ? m.group(1).getBytes(StandardCharsets.UTF_8) : null, r.payload));
                n++;
            }
            producer.flush();
        }
        return n;
    }
}
