package io.patchwatch.testkit.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one switch between the images built here and the official ones. */
class ServerImageTest {

    @AfterEach
    void clear() {
        System.clearProperty(ServerImage.IMAGES_PROPERTY);
    }

    @Test
    void localImagesAreTheDefaultAndTheKafkaImageCarriesTheBrokerVersionOfTheBuild() {
        assertThat(ServerImage.PROMETHEUS.imageName()).isEqualTo("patchwatch-testkit/prometheus:local");
        assertThat(ServerImage.PROMETHEUS.binary()).isEqualTo("/usr/bin/prometheus");
        assertThat(ServerImage.KAFKA.imageName()).matches("patchwatch-testkit/kafka:\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void officialSwitchesEveryServerToItsOfficialImageAndItsBinaryPath() {
        System.setProperty(ServerImage.IMAGES_PROPERTY, "official");
        assertThat(ServerImage.KAFKA.imageName()).startsWith("apache/kafka:");
        assertThat(ServerImage.PROMETHEUS.imageName()).startsWith("prom/prometheus:");
        assertThat(ServerImage.PROMETHEUS.binary()).isEqualTo("/bin/prometheus");
        assertThat(ServerImage.ALERTMANAGER.imageName()).startsWith("prom/alertmanager:");
        assertThat(ServerImage.ALERTMANAGER.binary()).isEqualTo("/bin/alertmanager");
        assertThat(ServerImage.KAFKA.imageName().substring("apache/kafka:".length()))
                .isEqualTo(localKafkaVersion());
    }

    @Test
    void anUnknownValueIsRefusedByName() {
        System.setProperty(ServerImage.IMAGES_PROPERTY, "latest");
        assertThatThrownBy(ServerImage.PROMETHEUS::imageName)
                .hasMessageContaining(ServerImage.IMAGES_PROPERTY).hasMessageContaining("latest");
    }

    private static String localKafkaVersion() {
        System.setProperty(ServerImage.IMAGES_PROPERTY, "local");
        String name = ServerImage.KAFKA.imageName();
        System.setProperty(ServerImage.IMAGES_PROPERTY, "official");
        return name.substring(name.indexOf(':') + 1);
    }
}
