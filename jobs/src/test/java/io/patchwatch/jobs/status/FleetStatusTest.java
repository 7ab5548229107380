package io.patchwatch.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.kafka.KeyedRecord;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** The fleet as a reader of the status topic keeps it: every schema version read, bad records counted, tombstones forget. */
class FleetStatusTest {
    private static final long T = 1_794_276_000_000L;

    private static DeviceStatus status(String device, String site, PatchState state) {
        DeviceStatus s = DeviceStatusView.create("acme/" + device.toLowerCase(java.util.Locale.ROOT), site, null, T);
        s.setDevice(device);
        s.setState(state);
        return s;
    }

    private static void take(FleetStatus fleet, DeviceStatus s) {
        KeyedRecord r = StatusTopic.record(new StatusChange("acme/" + s.getDevice().toLowerCase(java.util.Locale.ROOT), s));
        assertThat(fleet.take(r.key.getBytes(StandardCharsets.UTF_8), r.value)).isTrue();
    }

    @Test
    void aRecordOfTheFirstReleasedSchemaIsRead() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getResourceAsStream("/io/patchwatch/schemas/released/DeviceStatus/v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("timeline")).as("v1 predates the timeline").isNull();
        GenericRecord old = new GenericRecordBuilder(v1).set("tenant", "acme").set("device", "OLD-1").set("ts", T)
                .set("state", new GenericData.EnumSymbol(v1.getField("state").schema(), "offline")).set("online", false).build();
        ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);

        FleetStatus fleet = new FleetStatus();
        assertThat(fleet.take("acme/old-1".getBytes(StandardCharsets.UTF_8), Arrays.copyOfRange(bytes.array(), bytes.position(), bytes.limit())))
                .isTrue();
        DeviceStatus read = fleet.device("acme/old-1");
        assertThat(read.getState()).isEqualTo(PatchState.offline);
        assertThat(read.getTimeline()).isEmpty();
        assertThat(fleet.unreadable()).isZero();
    }

    @Test
    void aRecordThatCannotBeDecodedIsCountedAndTheOthersStay() {
        FleetStatus fleet = new FleetStatus();
        take(fleet, status("SRV-01", "hq", PatchState.failed));
        assertThat(fleet.take("acme/junk".getBytes(StandardCharsets.UTF_8), "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(fleet.take(null, new byte[] {1})).isFalse();
        byte[] truncated = Arrays.copyOf(StatusTopic.record(new StatusChange("acme/x", status("X", "hq", PatchState.healthy))).value, 12);
        assertThat(fleet.take("acme/x".getBytes(StandardCharsets.UTF_8), truncated)).isFalse();
        assertThat(fleet.unreadable()).isEqualTo(3);
        assertThat(fleet.size()).isEqualTo(1);
        assertThat(fleet.device("acme/srv-01").getState()).isEqualTo(PatchState.failed);
    }

    @Test
    void aTombstoneForgetsTheDeviceAndCountsFollow() {
        FleetStatus fleet = new FleetStatus();
        take(fleet, status("SRV-01", "hq", PatchState.failed));
        take(fleet, status("SRV-02", "hq", PatchState.healthy));
        take(fleet, status("SRV-03", "branch", PatchState.offline));
        assertThat(fleet.count(DeviceFilter.ALL, false)).extracting(FleetStatus.Count::site, FleetStatus.Count::total)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("branch", 1), org.assertj.core.groups.Tuple.tuple("hq", 2));

        assertThat(fleet.take("acme/srv-01".getBytes(StandardCharsets.UTF_8), null)).isTrue();
        assertThat(fleet.device("acme/srv-01")).isNull();
        assertThat(fleet.count(DeviceFilter.ALL, false).get(1).total()).isEqualTo(1);
        assertThat(fleet.devices(new DeviceFilter(null, null, null, PatchState.offline, null, null)))
                .extracting(DeviceStatus::getDevice).containsExactly("SRV-03");
        assertThat(fleet.devices(new DeviceFilter(null, null, null, null, null, "srv-0"))).hasSize(2);
    }

    @Test
    void statesAreWrittenAsOperatorsWriteThem() {
        assertThat(FleetStatus.state("pending-reboot")).isEqualTo(PatchState.pending_reboot);
        assertThat(FleetStatus.state("Service_Down")).isEqualTo(PatchState.service_down);
        assertThatThrownBy(() -> FleetStatus.state("broken")).hasMessageContaining("unknown state 'broken'")
                .hasMessageContaining("pending-reboot");
    }
}
