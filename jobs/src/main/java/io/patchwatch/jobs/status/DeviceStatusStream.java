package io.patchwatch.jobs.status;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.eventtime.StopAtEndOperator;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.schemas.DeviceStatus;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The device-status stream of a job, defined only when something reads it (the status topic,
 * {@code replay --status-out}): the tracker's facts and the devices' paged and held incidents, per
 * device, into {@link DeviceStatusOperator}.
 */
public final class DeviceStatusStream {
    public static final String UID = "device-status";
    public static final String NAME = "Device status";

    private DeviceStatusStream() {}

    /** @param stopAtEnd the clock stops where a streamed recording's does (replay) */
    public static DataStream<DeviceStatus> define(PatchwatchJob.Outputs outputs, Inventory inventory, Duration minInterval,
                                                  boolean stopAtEnd) {
        TypeInformation<IncidentChange> type = TypeInformation.of(IncidentChange.class);
        DataStream<IncidentChange> incidents = outputs.alerts().filter(IncidentChange::aboutADevice).name("Device alerts")
                .map(IncidentChange::of, type).name("Incident changes")
                .union(outputs.held().filter(IncidentChange::aboutADevice).name("Device holds")
                        .map(IncidentChange::of, type).name("Held incident changes"));
        return outputs.statusFacts().keyBy(f -> f.key)
                .connect(incidents.keyBy(c -> c.key))
                .transform(NAME, new AvroTypeInfo<>(DeviceStatus.class),
                        new StopAtEndOperator<>(new DeviceStatusOperator(inventory, minInterval.toMillis()), stopAtEnd))
                .uid(UID)
                .name(NAME);
    }
}
