package io.patchwatch.jobs.jobconfig;

import io.patchwatch.jobs.config.ConfigException;
import io.patchwatch.jobs.config.Durations;

import io.patchwatch.connectors.sinks.alertmanager.AlertmanagerRequests;
import io.patchwatch.connectors.sinks.delivery.AlertRoute;
import io.patchwatch.connectors.sinks.delivery.DeliveryPolicy;
import io.patchwatch.connectors.sinks.delivery.SecretRef;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.connectors.sinks.delivery.SinkType;
import io.patchwatch.connectors.sinks.opsgenie.OpsgenieAlerts;
import io.patchwatch.connectors.sinks.pagerduty.PagerDutyEvents;
import io.patchwatch.connectors.sinks.webhook.WebhookTemplate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code sinks:} of job.yaml, checked into {@link SinkSpec}s: each type's required keys, no key
 * of another type, secrets only by reference (inline ones refused), URLs and templates valid, so a
 * mistake stops {@code patchwatch run} or {@code submit} with its place named instead of failing on
 * the TaskManager at the first alert.
 */
final class SinkConfigs {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");

    private SinkConfigs() {}

    static List<SinkSpec> parse(List<JobConfigFile.Sink> sinks, String fileName) {
        List<SinkSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sinks.size(); i++) {
            JobConfigFile.Sink s = sinks.get(i);
            String at = fileName + ": sinks[" + i + "]" + (s.name == null ? "" : " (" + s.name + ")");
            if (!NAME.matcher(s.name).matches()) {
                throw new ConfigException(at + ".name: lower-case letters, digits, '-' and '_' only");
            }
            if (!names.add(s.name)) {
                throw new ConfigException(at + ".name: a second sink with this name");
            }
            SinkType type;
            try {
                type = SinkType.of(s.type);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ".type: " + e.getMessage());
            }
            try {
                SinkSpec spec = spec(s, type);
                if (s.enabled) {
                    specs.add(spec);
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(at + ": " + e.getMessage());
            }
        }
        return List.copyOf(specs);
    }

    private static SinkSpec spec(JobConfigFile.Sink s, SinkType type) {
        refuseInline(s.inlineRoutingKey, "routing_key");
        refuseInline(s.inlineApiKey, "api_key");
        refuseInline(s.inlinePassword, "password");
        refuseInline(s.inlineToken, "token");
        Map<String, String> options = new LinkedHashMap<>();
        String url = s.url;
        SecretRef urlSecret = null;
        SecretRef secret = null;
        Set<String> allowed = new HashSet<>(Set.of("url", "ca_file", "headers"));
        switch (type) {
            case PAGERDUTY -> {
                url = url == null ? PagerDutyEvents.DEFAULT_URL : url;
                secret = secret("routing_key", s.routingKeyEnv, s.routingKeyFile, true);
                allowed.add("routing_key");
            }
            case OPSGENIE -> {
                url = url == null ? OpsgenieAlerts.DEFAULT_URL : url;
                secret = secret("api_key", s.apiKeyEnv, s.apiKeyFile, true);
                allowed.add("api_key");
            }
            case SERVICENOW -> {
                require(url, "url (the instance, https://<name>.service-now.com)");
                require(s.username, "username");
                secret = secret("password", s.passwordEnv, s.passwordFile, true);
                allowed.addAll(Set.of("username", "password"));
            }
            case SPLUNK_HEC -> {
                require(url, "url (the collector, https://<host>:8088)");
                secret = secret("token", s.tokenEnv, s.tokenFile, true);
                put(options, "index", s.index);
                put(options, "source", s.source);
                put(options, "sourcetype", s.sourcetype);
                allowed.addAll(Set.of("token", "index", "source", "sourcetype"));
            }
            case ALERTMANAGER -> {
                require(url, "url (the Alertmanager, http://<host>:9093)");
                secret = secret("token", s.tokenEnv, s.tokenFile, false);
                Duration resend = Durations.parse(s.resendInterval == null ? "1m" : s.resendInterval);
                Duration validity = Durations.parse(s.alertValidity == null ? "5m" : s.alertValidity);
                if (resend.isZero() || resend.compareTo(validity) >= 0) {
                    throw new IllegalArgumentException("resend_interval must be positive and shorter than alert_validity "
                            + "(Alertmanager resolves an alert that is not re-sent within its validity)");
                }
                options.put("validity", validity.toString());
                options.put("resend_interval", resend.toString());
                allowed.addAll(Set.of("token", "resend_interval", "alert_validity"));
            }
            case WEBHOOK -> {
                if (s.urlEnv != null || s.urlFile != null) {
                    if (url != null) {
                        throw new IllegalArgumentException("url and url_env / url_file: give one");
                    }
                    urlSecret = secret("url", s.urlEnv, s.urlFile, true);
                } else {
                    require(url, "url (or url_env / url_file when the URL is itself the secret)");
                }
                secret = secret("token", s.tokenEnv, s.tokenFile, false);
                require(s.template, "template");
                WebhookTemplate.compile(s.template);
                options.put("template", s.template);
                allowed.addAll(Set.of("url_secret", "token", "template"));
            }
            case SYSLOG -> {
                require(s.address, "address (host:port)");
                URI address = URI.create("tcp://" + s.address);
                if (address.getHost() == null || address.getPort() < 1) {
                    throw new IllegalArgumentException("address '" + s.address + "' is not host:port");
                }
                url = s.address;
                String format = s.format == null ? "cef" : s.format;
                if (!format.equals("cef") && !format.equals("leef")) {
                    throw new IllegalArgumentException("format '" + format + "' is not cef or leef");
                }
                options.put("format", format);
                options.put("tls", Boolean.toString(Boolean.TRUE.equals(s.tls)));
                if (s.facility != null && (s.facility < 0 || s.facility > 23)) {
                    throw new IllegalArgumentException("facility must be 0-23");
                }
                put(options, "facility", s.facility == null ? null : s.facility.toString());
                put(options, "app_name", s.appName);
                put(options, "hostname", s.hostname);
                allowed.addAll(Set.of("address", "format", "tls", "facility", "app_name", "hostname"));
                allowed.removeAll(Set.of("url", "headers"));
            }
        }
        refuseForeign(s, allowed, type);
        refuseCredentialHeaders(s.headers);
        if (type != SinkType.SYSLOG && urlSecret == null) {
            URI uri = URI.create(url);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("url '" + url + "' is not an http(s) URL");
            }
            refuseCredentialsInUrl(uri);
        }
        AlertRoute route = new AlertRoute(Set.copyOf(s.route.tenants), Set.copyOf(s.route.severities), Set.copyOf(s.route.rules));
        for (String sev : route.severities()) {
            if (!SEVERITIES.contains(sev)) {
                throw new IllegalArgumentException("route.severities: '" + sev + "' is not one of " + SEVERITIES);
            }
        }
        for (String rule : route.rules()) {
            // Which rules exist is the rules file's to say: JobConfig checks the names against it.
            if (!rule.matches("[a-z0-9][a-z0-9-]{0,63}")) {
                throw new IllegalArgumentException("route.rules: '" + rule + "' is not a rule id");
            }
        }
        return new SinkSpec(s.name, type, url, urlSecret, secret, s.username, s.caFile, Map.copyOf(s.headers),
                Map.copyOf(options), route, policy(s.delivery, options));
    }

    private static DeliveryPolicy policy(JobConfigFile.Delivery d, Map<String, String> options) {
        DeliveryPolicy p = DeliveryPolicy.defaults();
        return new DeliveryPolicy(
                d.maxInFlight == null ? p.maxInFlight() : d.maxInFlight,
                d.timeout == null ? p.timeout() : Durations.parse(d.timeout),
                d.backoffInitial == null ? p.initialBackoff() : Durations.parse(d.backoffInitial),
                d.backoffMax == null ? p.maxBackoff() : Durations.parse(d.backoffMax),
                d.maxAge == null ? p.maxAge() : Durations.parse(d.maxAge),
                d.maxPending == null ? p.maxPending() : d.maxPending,
                options.containsKey("resend_interval") ? Duration.parse(options.get("resend_interval")) : Duration.ZERO,
                d.maxRetryAfter == null ? p.maxRetryAfter() : Durations.parse(d.maxRetryAfter));
    }

    private static SecretRef secret(String what, String env, String file, boolean required) {
        if (env != null && file != null) {
            throw new IllegalArgumentException(what + "_env and " + what + "_file: give one");
        }
        if (env == null && file == null) {
            if (required) {
                throw new IllegalArgumentException("needs " + what + "_env (an environment variable) or " + what + "_file");
            }
            return null;
        }
        return new SecretRef(env, file);
    }

    private static void refuseInline(String value, String key) {
        if (value != null) {
            throw new IllegalArgumentException(key + ": secrets are not read from the config file; use " + key
                    + "_env (an environment variable) or " + key + "_file");
        }
    }

    /** Header names that carry credentials; a header value is not a secret store. */
    private static final java.util.regex.Pattern CREDENTIAL_HEADER = java.util.regex.Pattern.compile(
            "(?i).*(authorization|cookie|token|secret|passw|api-?key|apikey|auth|session|signature).*");
    /** Query parameters that carry credentials (Slack / Teams style secrets in the URL). */
    private static final java.util.regex.Pattern CREDENTIAL_PARAM = java.util.regex.Pattern.compile(
            "(?i)(token|key|api_?key|secret|sig|signature|password|passwd|code|auth|access_token)");

    private static void refuseCredentialHeaders(Map<String, String> headers) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (CREDENTIAL_HEADER.matcher(h.getKey()).matches()) {
                throw new IllegalArgumentException("headers." + h.getKey() + ": a header that carries a credential cannot be "
                        + "written in job.yaml; use token_env / token_file (sent as a bearer token) or the sink's own secret key");
            }
            String v = h.getValue() == null ? "" : h.getValue();
            if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7F) || h.getKey().chars().anyMatch(c -> c <= 0x20 || c >= 0x7F || c == ':')) {
                throw new IllegalArgumentException("headers." + h.getKey() + ": names and values must be printable, on one line");
            }
        }
    }

    private static void refuseCredentialsInUrl(URI uri) {
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url: credentials in the URL (user:password@) are not read from the config file; "
                    + "use the sink's password_env / password_file, or url_env / url_file when the URL itself is the secret");
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String param : query.split("&")) {
                String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
                if (CREDENTIAL_PARAM.matcher(name).matches()) {
                    throw new IllegalArgumentException("url: the query parameter '" + name + "' carries a credential; "
                            + "use url_env / url_file when the URL itself is the secret");
                }
            }
        }
    }

    private static void require(String value, String key) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("needs " + key);
        }
    }

    private static void put(Map<String, String> options, String key, String value) {
        if (value != null) {
            options.put(key, value);
        }
    }

    /** A key of another sink type is a mistake worth naming (a HEC index on PagerDuty does nothing). */
    private static void refuseForeign(JobConfigFile.Sink s, Set<String> allowed, SinkType type) {
        Map<String, Object> given = new LinkedHashMap<>();
        given.put("url", s.url);
        given.put("url_secret", s.urlEnv != null ? s.urlEnv : s.urlFile);
        given.put("address", s.address);
        given.put("username", s.username);
        given.put("routing_key", s.routingKeyEnv != null ? s.routingKeyEnv : s.routingKeyFile);
        given.put("api_key", s.apiKeyEnv != null ? s.apiKeyEnv : s.apiKeyFile);
        given.put("password", s.passwordEnv != null ? s.passwordEnv : s.passwordFile);
        given.put("token", s.tokenEnv != null ? s.tokenEnv : s.tokenFile);
        given.put("headers", s.headers.isEmpty() ? null : s.headers);
        given.put("template", s.template);
        given.put("format", s.format);
        given.put("tls", s.tls);
        given.put("facility", s.facility);
        given.put("app_name", s.appName);
        given.put("hostname", s.hostname);
        given.put("index", s.index);
        given.put("source", s.source);
        given.put("sourcetype", s.sourcetype);
        given.put("resend_interval", s.resendInterval);
        given.put("alert_validity", s.alertValidity);
        for (Map.Entry<String, Object> e : given.entrySet()) {
            if (e.getValue() != null && !allowed.contains(e.getKey())) {
                String key = switch (e.getKey()) {
                    case "url_secret" -> "url_env / url_file";
                    case "routing_key", "api_key", "password", "token" -> e.getKey() + "_env / " + e.getKey() + "_file";
                    default -> e.getKey();
                };
                throw new IllegalArgumentException(key + " is not a setting of a " + type.configName() + " sink");
            }
        }
    }
}
