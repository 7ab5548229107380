package io.patchwatch.testkit.containers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The image each test server runs in: the one {@code testkit/images/build} makes from the Debian
 * archive and Maven Central ({@code local}, the default), or the official one where a registry can be
 * reached ({@code -Dpatchwatch.testkit.images=official}). Both take the same arguments: the server's
 * binary is the entrypoint, Kafka follows apache/kafka's {@code KAFKA_*} contract.
 */
public enum ServerImage {
    KAFKA("patchwatch-testkit/kafka:" + Versions.KAFKA, null, "apache/kafka:" + Versions.KAFKA, null),
    PROMETHEUS("patchwatch-testkit/prometheus:local", "/usr/bin/prometheus", "prom/prometheus:v2.53.4", "/bin/prometheus"),
    ALERTMANAGER("patchwatch-testkit/alertmanager:local", "/usr/bin/prometheus-alertmanager",
            "prom/alertmanager:v0.28.1", "/bin/alertmanager"),
    RSYSLOG("patchwatch-testkit/rsyslog:local", "/usr/sbin/rsyslogd",
            "rsyslog/syslog_appliance_alpine:8.2404.0", "/usr/sbin/rsyslogd"),
    /** A JRE only: the JobManager and TaskManagers run the cluster's jars, mounted from the host's Maven repository. */
    FLINK("patchwatch-testkit/flink:local", null, "eclipse-temurin:17-jre", null);

    /** {@code local} (the default) or {@code official}. */
    public static final String IMAGES_PROPERTY = "patchwatch.testkit.images";

    private final String localName;
    private final String localBinary;
    private final String officialName;
    private final String officialBinary;

    ServerImage(String localName, String localBinary, String officialName, String officialBinary) {
        this.localName = localName;
        this.localBinary = localBinary;
        this.officialName = officialName;
        this.officialBinary = officialBinary;
    }

    public static boolean official() {
        return ServerContainers.isSecond(IMAGES_PROPERTY, "PATCHWATCH_TESTKIT_IMAGES", "local", "official");
    }

    public String imageName() {
        return official() ? officialName : localName;
    }

    /** The server binary to run as the entrypoint; null where the image's own start is used (Kafka) or the caller names it (Flink). */
    public String binary() {
        return official() ? officialBinary : localBinary;
    }

    private static final class Versions {
        static final String KAFKA = load().getProperty("kafka.version");

        private static Properties load() {
            Properties p = new Properties();
            try (InputStream in = ServerImage.class.getResourceAsStream("images.properties")) {
                if (in == null) {
                    throw new IllegalStateException("images.properties is missing from the testkit jar");
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        }
    }
}
