package io.patchwatch.jobs.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import org.junit.jupiter.api.Test;

/** The status hears of a service's report only when its state changed; every other fact it hears of. */
class ServicesDownTest {

    private static DeviceEvent service(String name, ServiceState state) {
        return DeviceEvent.newBuilder().setTs(1L).setTenant("acme").setDevice("SRV-01").setKind(EventKind.service_state)
                .setService(name).setState(state).build();
    }

    @Test
    void onlyAChangeOfAServicesStateIsNews() {
        DeviceState d = new DeviceState();
        assertThat(ServicesDown.news(d, FactKind.SERVICE_STATE, service("Spooler", ServiceState.running))).isFalse();
        assertThat(ServicesDown.news(d, FactKind.SERVICE_STATE, service("Spooler", ServiceState.stopped))).isTrue();
        assertThat(d.servicesDown).containsExactly("SPOOLER");
        assertThat(ServicesDown.news(d, FactKind.SERVICE_STATE, service("spooler", ServiceState.stopped))).as("known down").isFalse();
        assertThat(ServicesDown.news(d, FactKind.SERVICE_FAILED, service("W3SVC", ServiceState.stopped))).isTrue();
        assertThat(d.servicesDown).containsExactly("SPOOLER", "W3SVC");
        assertThat(ServicesDown.news(d, FactKind.SERVICE_STATE, service("Spooler", ServiceState.running))).as("back").isTrue();
        assertThat(ServicesDown.news(d, FactKind.SERVICE_STATE, service("W3SVC", ServiceState.running))).isTrue();
        assertThat(d.servicesDown).as("none left: nothing kept").isNull();
        assertThat(ServicesDown.news(d, FactKind.PATCH_INSTALLED, service("x", ServiceState.running))).as("other kinds").isTrue();
    }
}
