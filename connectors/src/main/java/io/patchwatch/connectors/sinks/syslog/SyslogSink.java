package io.patchwatch.connectors.sinks.syslog;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.SecretRef;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.SinkFactory;
import io.patchwatch.connectors.sinks.SinkRuntime;
import io.patchwatch.connectors.sinks.SinkSettings;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.http.HttpEndpoint;
import io.patchwatch.connectors.sinks.http.TlsContexts;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;

/** {@code type: syslog}: RFC 5424 over TCP (octet counting), optionally TLS, CEF or LEEF ({@link SyslogReceiver}). */
public final class SyslogSink implements SinkFactory<SyslogSink.Settings> {
    static final ConfigOption<String> ADDRESS = ConfigOptions.key("address").stringType().required()
            .withDescription("The collector, host:port.")
            .checkedBy(a -> {
                try {
                    URI address = URI.create("tcp://" + a);
                    return address.getHost() != null && address.getPort() > 0 ? null : "'" + a + "' is not host:port";
                } catch (IllegalArgumentException e) {
                    return "'" + a + "' is not host:port";
                }
            });
    static final ConfigOption<String> FORMAT = ConfigOptions.key("format").stringType().defaultValue("cef")
            .withDescription("cef (ArcSight, most SIEMs) or leef (QRadar).")
            .checkedBy(ConfigOptions.oneOf(List.of("cef", "leef")));
    static final ConfigOption<Boolean> TLS = ConfigOptions.key("tls").booleanType().defaultValue(false)
            .withDescription("TLS, the certificate and host name verified.");
    static final ConfigOption<Integer> FACILITY = ConfigOptions.key("facility").intType().defaultValue(Rfc5424.DEFAULT_FACILITY)
            .withDescription("The syslog facility, 0-23.")
            .checkedBy(f -> f >= 0 && f <= 23 ? null : "must be 0-23");
    static final ConfigOption<String> APP_NAME = ConfigOptions.key("app_name").stringType().defaultValue("patchwatch")
            .withDescription("The APP-NAME of each message.");
    static final ConfigOption<String> HOSTNAME = ConfigOptions.key("hostname").stringType().noDefaultValue()
            .withDescription("The HOSTNAME of each message (this host's name when not given).");

    public record Settings(String host, int port, boolean tls, String caFile, String format, int facility, String appName,
                           String hostname) implements SinkSettings {
        /** Plain TCP, the default facility and app name. */
        public static Settings tcp(String host, int port, String format, String hostname) {
            return new Settings(host, port, false, null, format, FACILITY.defaultValue(), APP_NAME.defaultValue(), hostname);
        }

        @Override
        public List<SecretRef> secrets() {
            return List.of();
        }
    }

    @Override
    public String type() {
        return "syslog";
    }

    @Override
    public String description() {
        return "Syslog to a SIEM: RFC 5424 over TCP or TLS, the alert as CEF or LEEF.";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(ADDRESS, FORMAT, TLS, HttpEndpoint.CA_FILE, FACILITY, APP_NAME, HOSTNAME);
    }

    @Override
    public Settings settings(YamlSection sink) {
        String address = sink.get(ADDRESS);
        URI uri = address == null ? null : URI.create("tcp://" + address);
        return new Settings(uri == null ? null : uri.getHost(), uri == null ? 0 : uri.getPort(), sink.get(TLS),
                sink.get(HttpEndpoint.CA_FILE), sink.get(FORMAT), sink.get(FACILITY), sink.get(APP_NAME), sink.get(HOSTNAME));
    }

    @Override
    public AlertReceiver receiver(Settings s, SinkRuntime runtime) {
        return new SyslogReceiver(s.host(), s.port(), s.tls() ? TlsContexts.trusting(s.caFile()) : null,
                (int) runtime.timeout().toMillis(), s.format(), runtime.version(), s.facility(),
                s.hostname() == null ? localHostName() : s.hostname(), s.appName());
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "patchwatch";
        }
    }
}
