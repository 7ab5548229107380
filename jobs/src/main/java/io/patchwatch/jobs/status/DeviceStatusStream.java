package io.patchwatch.jobs.status;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.jobs.inventory.Inventory;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import io.patchwatch.jobs.settings.JobSettings;
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

    /**
     * Each device's new status, and its forgetting after the settings' device expiry.
     *
     * @param minInterval at most one record per device this often (zero: every change)
     */
    public static DataStream<StatusChange> define(PatchwatchJob.Outputs outputs, Inventory inventory,
                                                                  JobSettings settings, Duration minInterval) {
        boolean stopAtEnd = settings.clockStop() == JobSettings.CLOCK_STOP_AT_END;
        long expiry = settings.deviceExpiry() == null ? 0 : settings.deviceExpiry().toMillis();
        TypeInformation<IncidentChange> type = TypeInformation.of(IncidentChange.class);
        DataStream<IncidentChange> incidents = outputs.alerts().filter(IncidentChange::aboutADevice).name("Device alerts")
                .map(IncidentChange::of, type).name("Incident changes")
                .union(outputs.held().filter(IncidentChange::aboutADevice).name("Device holds")
                        .map(IncidentChange::of, type).name("Held incident changes"));
        return outputs.statusFacts().keyBy(f -> f.key)
                .connect(incidents.keyBy(c -> c.key))
                .transform(NAME, TypeInformation.of(StatusChange.class),
                        new DeviceStatusOperator.Runner(new DeviceStatusOperator(inventory, minInterval.toMillis(), expiry,
                                stopAtEnd ? Long.MAX_VALUE : settings.clockStop()), stopAtEnd))
                .uid(UID)
                .name(NAME);
    }
}
