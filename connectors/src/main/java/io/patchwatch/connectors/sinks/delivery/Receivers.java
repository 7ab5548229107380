package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.connectors.sinks.alertmanager.AlertmanagerRequests;
import io.patchwatch.connectors.sinks.http.HttpReceiver;
import io.patchwatch.connectors.sinks.http.TlsContexts;
import io.patchwatch.connectors.sinks.opsgenie.OpsgenieAlerts;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutyEvents;
import io.patchwatch.connectors.sinks.servicenow.ServiceNowEvents;
import io.patchwatch.connectors.sinks.splunk.SplunkHecEvents;
import io.patchwatch.connectors.sinks.syslog.Rfc5424;
import io.patchwatch.connectors.sinks.syslog.SyslogReceiver;
import io.patchwatch.connectors.sinks.webhook.WebhookRequests;
import io.patchwatch.connectors.sinks.webhook.WebhookTemplate;
import io.patchwatch.schemas.Alert;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/** Builds the receiver of a {@link SinkSpec} where it runs, reading its secrets there. */
public final class Receivers {
    private Receivers() {}

    public static AlertReceiver create(SinkSpec spec, Map<String, String> environment, String version) {
        String secret = spec.secret() == null ? null : spec.secret().resolve(environment);
        Duration timeout = spec.policy().timeout();
        AlertReceiver receiver = switch (spec.type()) {
            case SYSLOG -> syslog(spec, timeout, version);
            default -> new HttpReceiver(requests(spec, secret, environment), timeout, headers(spec, secret),
                    spec.caFile() == null ? null : TlsContexts.trusting(spec.caFile()));
        };
        List<String> secrets = new ArrayList<>();
        if (secret != null) {
            secrets.addAll(encodings(secret));
            if (spec.username() != null) {
                // ServiceNow's basic authentication: the header a receiver might echo.
                secrets.addAll(encodings(spec.username() + ":" + secret));
            }
        }
        if (spec.urlSecret() != null) {
            secrets.addAll(encodings(spec.urlSecret().resolve(environment)));
        }
        secrets.removeIf(s -> s.length() < 4); // redacting "abc" everywhere would garble every answer
        return secrets.isEmpty() ? receiver : new Redacting(receiver, secrets);
    }

    /** A secret as a receiver may echo it: as is, base64 (basic authentication), URL- and JSON-escaped. */
    static List<String> encodings(String secret) {
        java.util.Set<String> forms = new java.util.LinkedHashSet<>();
        forms.add(secret);
        forms.add(java.util.Base64.getEncoder().encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        forms.add(java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        forms.add(java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8));
        forms.add(secret.replace("\\", "\\\\").replace("\"", "\\\"").replace("/", "\\/"));
        // Longest first, so a form that contains another is replaced whole.
        List<String> sorted = new ArrayList<>(forms);
        sorted.sort((a, b) -> b.length() - a.length());
        return sorted;
    }

    /**
     * Removes the sink's secrets from what a receiver answered: a receiver that echoes a request
     * (or an error that names the URL of a Slack webhook) must not put a secret in a log line or
     * in the failed-deliveries topic.
     */
    private record Redacting(AlertReceiver inner, List<String> secrets) implements AlertReceiver {
        @Override
        public CompletableFuture<DeliveryResult> send(Alert alert, boolean resend) {
            return inner.send(alert, resend).thenApply(r -> {
                String detail = r.detail();
                for (String s : secrets) {
                    detail = detail.replace(s, "<redacted>");
                }
                return new DeliveryResult(r.kind(), r.status(), detail, r.retryAfterMillis());
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static HttpReceiver.AlertRequests requests(SinkSpec spec, String secret, Map<String, String> environment) {
        return switch (spec.type()) {
            case PAGERDUTY -> new PagerDutyEvents(spec.url(), secret);
            case ALERTMANAGER -> new AlertmanagerRequests(spec.url(), Duration.parse(spec.option("validity", "PT15M")));
            case SERVICENOW -> new ServiceNowEvents(spec.url(), spec.username(), secret);
            case OPSGENIE -> new OpsgenieAlerts(spec.url(), secret);
            case SPLUNK_HEC -> new SplunkHecEvents(spec.url(), secret, spec.option("index", null),
                    spec.option("source", "patchwatch"), spec.option("sourcetype", "patchwatch:alert"));
            case WEBHOOK -> new WebhookRequests(webhookUrl(spec, environment),
                    WebhookTemplate.compile(spec.option("template", null)));
            case SYSLOG -> throw new IllegalStateException("syslog is not HTTP");
        };
    }

    /** The sink's own headers, and for the sinks whose token is a bearer token, its Authorization header. */
    private static Map<String, String> headers(SinkSpec spec, String secret) {
        boolean bearer = spec.type() == SinkType.ALERTMANAGER || spec.type() == SinkType.WEBHOOK;
        if (!bearer || secret == null) {
            return spec.headers();
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>(spec.headers());
        headers.put("Authorization", "Bearer " + secret);
        return headers;
    }

    /** A URL read from a secret is checked here, so that an error about it never quotes it. */
    private static String webhookUrl(SinkSpec spec, Map<String, String> environment) {
        if (spec.urlSecret() == null) {
            return spec.url();
        }
        String url = spec.urlSecret().resolve(environment);
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("sink " + spec.name() + ": the URL in " + spec.urlSecret() + " is not an http(s) URL");
        }
        return url;
    }

    private static SyslogReceiver syslog(SinkSpec spec, Duration timeout, String version) {
        URI address = URI.create("tcp://" + spec.url());
        SSLContext tls = Boolean.parseBoolean(spec.option("tls", "false")) ? TlsContexts.trusting(spec.caFile()) : null;
        return new SyslogReceiver(address.getHost(), address.getPort(), tls, (int) timeout.toMillis(),
                spec.option("format", "cef"), version,
                Integer.parseInt(spec.option("facility", Integer.toString(Rfc5424.DEFAULT_FACILITY))),
                spec.option("hostname", localHostName()), spec.option("app_name", "patchwatch"));
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "patchwatch";
        }
    }
}
