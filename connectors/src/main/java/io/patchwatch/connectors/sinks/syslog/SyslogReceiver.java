package io.patchwatch.connectors.sinks.syslog;

import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import io.patchwatch.schemas.Alert;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Alerts as RFC 5424 syslog messages over one TCP (or TLS) connection, the payload CEF or LEEF.
 * Sends run one at a time on the receiver's own thread (a TCP stream keeps their order); a send
 * counts as delivered once written, since syslog over TCP has no acknowledgement. A failed send
 * closes the connection and is retried by the caller on a new one.
 */
public final class SyslogReceiver implements AlertReceiver {
    private final SyslogTcpClient client;
    private final Function<Alert, String> payload;
    private final int facility;
    private final String hostname;
    private final String appName;
    private final ExecutorService thread;

    public SyslogReceiver(String host, int port, SSLContext tls, int timeoutMs, String format, String version,
                          int facility, String hostname, String appName) {
        this.client = new SyslogTcpClient(host, port, tls, timeoutMs);
        this.payload = switch (format) {
            case "cef" -> new CefFormat(version)::format;
            case "leef" -> new LeefFormat(version)::format;
            default -> throw new IllegalArgumentException("syslog format '" + format + "' is not cef or leef");
        };
        this.facility = facility;
        this.hostname = hostname;
        this.appName = appName;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "patchwatch-syslog-" + host + ":" + port);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<DeliveryResult> send(Alert alert, boolean resend) {
        String message = Rfc5424.message(facility, Rfc5424.syslogSeverity(CefFormat.severity(alert)), alert.getTs(),
                hostname, appName, alert.getRule(), payload.apply(alert));
        return CompletableFuture.supplyAsync(() -> {
            try {
                client.send(message);
                return DeliveryResult.delivered(0);
            } catch (IOException | RuntimeException e) {
                return DeliveryResult.error(e);
            }
        }, thread);
    }

    @Override
    public void close() {
        thread.shutdownNow();
        client.close();
    }
}
