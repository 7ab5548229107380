package io.patchwatch.jobs.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The notification chain between the incident book and the sinks: each link alone, in order. */
class NotificationChainTest {
    private static final NotificationPolicy.Context DEVICE = new NotificationPolicy.Context("acme/srv-01", null);

    @Test
    void withoutLinksEveryAlertIsSentAsDecidedInOrder() throws Exception {
        List<Alert> sent = new ArrayList<>();
        NotificationChain chain = NotificationChain.direct();
        Alert firing = alert("reboot-hang", AlertStatus.firing, 1);
        Alert resolved = alert("reboot-hang", AlertStatus.resolved, 2);
        chain.decide(firing, DEVICE, sent::add);
        chain.decide(resolved, DEVICE, sent::add);
        chain.onTime(3, DEVICE, sent::add);

        assertThat(sent).containsExactly(firing, resolved);
    }

    @Test
    void linksDecideInTheirOrderAndWhatALinkReleasesLaterPassesOnlyTheLinksAfterIt() throws Exception {
        List<Alert> sent = new ArrayList<>();
        Hold hold = new Hold();
        NotificationChain chain = new NotificationChain(List.of(hold, new Tag("held-then-")));
        chain.decide(alert("offline-after-patch", AlertStatus.firing, 1), DEVICE, sent::add);
        chain.decide(alert("offline-after-patch", AlertStatus.resolved, 2), DEVICE, sent::add);
        assertThat(sent).as("the resolve passes; the firing alert is held").extracting(Alert::getMessage)
                .containsExactly("held-then-offline-after-patch resolved");

        chain.onTime(10, DEVICE, sent::add);
        assertThat(sent).extracting(Alert::getMessage).containsExactly(
                "held-then-offline-after-patch resolved", "held-then-offline-after-patch firing");
        assertThat(hold.decided).as("a released alert is not decided again by the link that held it").isEqualTo(2);
    }

    /** Holds firing alerts until event time moves, lets resolves through (a test link). */
    private static final class Hold implements NotificationPolicy {
        private final List<Alert> held = new ArrayList<>();
        int decided;

        @Override
        public void decide(Alert alert, Context ctx, Downstream next) throws Exception {
            decided++;
            if (alert.getStatus() == AlertStatus.firing) {
                held.add(alert);
            } else {
                next.send(alert);
            }
        }

        @Override
        public void onTime(long timestamp, Context ctx, Downstream next) throws Exception {
            for (Alert a : held) {
                next.send(a);
            }
            held.clear();
        }
    }

    /** Prefixes the message (a test link). */
    private record Tag(String prefix) implements NotificationPolicy {
        @Override
        public void decide(Alert alert, Context ctx, Downstream next) throws Exception {
            next.send(Alert.newBuilder(alert).setMessage(prefix + alert.getMessage()).build());
        }
    }

    private static Alert alert(String rule, AlertStatus status, long ts) {
        return Alert.newBuilder()
                .setRule(rule)
                .setStatus(status)
                .setTs(ts)
                .setSeverity("critical")
                .setTenant("acme")
                .setDevice("SRV-01")
                .setKbs(List.of())
                .setMessage(rule + " " + status)
                .setContext(AlertContext.newBuilder().build())
                .setDedupKey("acme/SRV-01/" + rule + "/0/1")
                .build();
    }
}
