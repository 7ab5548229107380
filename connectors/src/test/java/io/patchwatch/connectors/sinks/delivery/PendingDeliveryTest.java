package io.patchwatch.connectors.sinks.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the delivery operator keeps in its checkpoint reads back as it was. */
class PendingDeliveryTest {
    @Test
    void deliveriesAndFiringAlertsRoundTripThroughOneBlob() {
        Alert firing = TestAlerts.offline("acme", "SRV-01", 2);
        Alert resolved = TestAlerts.resolved(firing, 60_000);
        PendingDelivery retried = new PendingDelivery(firing, false, 1_000L, 3);
        byte[] blob = PendingDelivery.pack(List.of(retried.encode(),
                PendingDelivery.encode(PendingDelivery.FIRING, resolved, true, 2_000L, 0)));

        List<byte[]> entries = PendingDelivery.unpack(blob);
        assertThat(entries).hasSize(2);
        assertThat(PendingDelivery.kind(entries.get(0))).isEqualTo(PendingDelivery.PENDING);
        PendingDelivery back = PendingDelivery.decode(entries.get(0));
        assertThat(back.alert).isEqualTo(firing);
        assertThat(back.queuedAt).isEqualTo(1_000L);
        assertThat(back.attempts).isEqualTo(3);
        assertThat(back.resend).isFalse();
        assertThat(PendingDelivery.kind(entries.get(1))).isEqualTo(PendingDelivery.FIRING);
        PendingDelivery second = PendingDelivery.decode(entries.get(1));
        assertThat(second.alert).isEqualTo(resolved);
        assertThat(second.resend).isTrue();
        assertThat(PendingDelivery.unpack(PendingDelivery.pack(List.of()))).isEmpty();
    }
}
