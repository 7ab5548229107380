package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.SinkSettings;
import io.patchwatch.connectors.config.SecretRef;

import io.patchwatch.schemas.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/** Delivery topologies for the tests: alerts, keyed by dedup key, into one delivery operator per sink. */
public final class DeliveryJobs {
    public static final DeliveryPolicy FAST_RETRIES = new DeliveryPolicy(4, Duration.ofSeconds(15), Duration.ofMillis(200),
            Duration.ofSeconds(2), Duration.ofMinutes(2), 10_000, Duration.ZERO);

    private DeliveryJobs() {}

    /** A sink receiving every alert. */
    public static SinkSpec spec(String name, String type, SinkSettings settings, DeliveryPolicy policy) {
        return new SinkSpec(name, type, settings, AlertRoute.all(), policy);
    }

    /** Adds the sinks to {@code env}; returns their failed deliveries, as one stream. */
    public static DataStream<FailedDelivery> deliver(StreamExecutionEnvironment env, List<Alert> alerts, List<SinkSpec> sinks,
                                              boolean afterCheckpoint) {
        KeyedStream<Alert, String> keyed = env.fromData(alerts, new AvroTypeInfo<>(Alert.class)).setParallelism(1)
                .uid("alerts").keyBy(Alert::getDedupKey);
        DataStream<FailedDelivery> failed = null;
        for (SinkSpec s : sinks) {
            DataStream<FailedDelivery> f = keyed.transform("Deliver to " + s.name(), TypeInformation.of(FailedDelivery.class),
                    new DeliveryOperator(s, "0.1.0-test", afterCheckpoint)).uid("deliver-" + s.name());
            failed = failed == null ? f : failed.union(f);
        }
        return failed;
    }

    /** Runs the bounded job to its end (every alert delivered or given up); returns the failed deliveries. */
    public static List<FailedDelivery> run(StreamExecutionEnvironment env, List<Alert> alerts, List<SinkSpec> sinks) throws Exception {
        List<FailedDelivery> out = new ArrayList<>();
        try (CloseableIterator<FailedDelivery> it = deliver(env, alerts, sinks, false).executeAndCollect("deliveries")) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
