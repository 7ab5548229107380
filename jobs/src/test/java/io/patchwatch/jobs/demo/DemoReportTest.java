package io.patchwatch.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoReportTest {
    private final FleetPlan plan = FleetPlan.create(400, 12, 7);

    @Test
    void theSameSeedGivesTheSameNight() {
        FleetPlan again = FleetPlan.create(400, 12, 7);

        assertThat(again.devices()).isEqualTo(plan.devices());
        assertThat(FleetEvents.count(again)).isEqualTo(FleetEvents.count(plan));
        assertThat(plan.devices().stream().map(FleetPlan.Device::tenant).distinct()).hasSize(12);
        assertThat(plan.devices().stream().filter(d -> d.fault() != null).map(FleetPlan.Device::fault).distinct())
                .containsExactlyInAnyOrder(InjectedFault.values());
    }

    @Test
    void everyExpectedAlertCatchesItsFault() {
        DemoReport report = DemoReport.of(plan, expectedAlerts());

        assertThat(report.allCaught()).isTrue();
        assertThat(report.faults().values()).allMatch(s -> s.caught() == s.injected());
    }

    @Test
    void theSiteThatLostItsUplinkMustPageOnceAsASiteOutage() {
        List<Alert> alerts = expectedAlerts();
        alerts.removeIf(a -> a.getRule().equals("site-outage"));

        DemoReport report = DemoReport.of(plan, alerts);

        assertThat(report.allCaught()).isFalse();
        assertThat(report.missed()).singleElement().asString().contains(plan.uplinkLoss().site()).contains("no site-outage page");
        assertThat(report.noise().siteOutagePaged()).isFalse();
    }

    @Test
    void aMissingAlertIsAMissAndAnExtraOneIsUnexplained() {
        List<Alert> alerts = expectedAlerts();
        Alert dropped = alerts.remove(0);
        FleetPlan.Device healthy = plan.devices().stream().filter(d -> d.fault() == null).findFirst().orElseThrow();
        alerts.add(alert(healthy, "reboot-hang", null));

        DemoReport report = DemoReport.of(plan, alerts);

        assertThat(report.allCaught()).isFalse();
        assertThat(report.missed()).hasSize(1).first().asString().contains(dropped.getDevice());
        assertThat(report.unexplained()).containsExactly(healthy.tenant() + "/" + healthy.name() + ": reboot-hang");
    }

    private List<Alert> expectedAlerts() {
        List<Alert> alerts = new ArrayList<>();
        for (FleetPlan.Device d : plan.devices()) {
            if (d.fault() != null) {
                for (String rule : d.fault().expectedRules()) {
                    if (rule.equals("boot-loop-after-patch")) {
                        continue; // not a built-in rule: RULES.md's example
                    }
                    alerts.add(alert(d, rule, rule.equals("service-down-after-reboot") ? d.faultService() : null));
                }
            }
        }
        FleetPlan.UplinkLoss loss = plan.uplinkLoss();
        alerts.add(Alert.newBuilder().setRule("site-outage").setStatus(AlertStatus.firing).setTs(loss.from()).setSeverity("critical")
                .setTenant(loss.tenant()).setSite(loss.site()).setDevice("site:" + loss.site()).setKbs(List.of())
                .setMessage("m").setContext(AlertContext.newBuilder().build()).setDedupKey("site").build());
        alerts.add(Alert.newBuilder().setRule("feed-silent").setStatus(AlertStatus.firing).setTs(plan.collector().from()).setSeverity("critical")
                .setTenant("patchwatch").setSite(null).setDevice("feed:" + plan.collector().feed()).setKbs(List.of())
                .setMessage("m").setContext(AlertContext.newBuilder().build()).setDedupKey("feed").build());
        return alerts;
    }

    private static Alert alert(FleetPlan.Device d, String rule, String service) {
        return Alert.newBuilder().setRule(rule).setStatus(AlertStatus.firing).setTs(0).setSeverity("critical")
                .setTenant(d.tenant()).setSite(d.site()).setDevice(d.name()).setKbs(List.of()).setService(service)
                .setMessage("m").setContext(AlertContext.newBuilder().build()).setDedupKey("k").build();
    }
}
