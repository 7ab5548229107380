package io.patchwatch.connectors.sinks.http;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.SinkRuntime;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import java.io.Serializable;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an HTTP sink sends, as every HTTP sink's job.yaml keys say it: {@code url}, {@code ca_file}
 * (a PEM file of CAs to trust instead of the JVM's; verification stays on) and {@code headers} (not
 * secret: a header that carries a credential is refused, as are credentials in the URL).
 */
public record HttpEndpoint(String url, String caFile, Map<String, String> headers) implements Serializable {

    public static final ConfigOption<String> CA_FILE = ConfigOptions.key("ca_file").stringType().noDefaultValue()
            .withDescription("A PEM file of CA certificates to trust instead of the JVM's (verification stays on).");
    public static final ConfigOption<Map<String, String>> HEADERS = ConfigOptions.key("headers").stringMapType()
            .defaultValue(Map.of())
            .withDescription("Extra HTTP headers, not secret (one that carries a credential is refused).");

    /** Header names that carry credentials; a header value is not a secret store. */
    private static final Pattern CREDENTIAL_HEADER = Pattern.compile(
            "(?i).*(authorization|cookie|token|secret|passw|api-?key|apikey|auth|session|signature).*");
    /** Query parameters that carry credentials (Slack / Teams style secrets in the URL). */
    private static final Pattern CREDENTIAL_PARAM = Pattern.compile(
            "(?i)(token|key|api_?key|secret|sig|signature|password|passwd|code|auth|access_token)");

    public HttpEndpoint {
        headers = Map.copyOf(headers);
    }

    public static HttpEndpoint of(String url) {
        return new HttpEndpoint(url, null, Map.of());
    }

    /** An HTTP sink's {@code url} option: with its default, or required with what it is. */
    public static ConfigOption<String> url(String defaultUrl, String what) {
        return (defaultUrl == null ? ConfigOptions.key("url").stringType().required()
                : ConfigOptions.key("url").stringType().defaultValue(defaultUrl)).withDescription(what);
    }

    /** The options of {@link #read}, for a factory's option list. */
    public static List<ConfigOption<?>> options(ConfigOption<String> url) {
        return url == null ? List.of(CA_FILE, HEADERS) : List.of(url, CA_FILE, HEADERS);
    }

    /** The endpoint of the sink; {@code url} may be null when the URL comes from elsewhere (a secret). */
    public static HttpEndpoint read(YamlSection sink, ConfigOption<String> url) {
        String u = url == null ? null : sink.get(url);
        if (u != null) {
            String wrong = checkUrl(u);
            if (wrong != null) {
                sink.problem("url", wrong);
            }
        }
        Map<String, String> headers = sink.get(HEADERS);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (CREDENTIAL_HEADER.matcher(h.getKey()).matches()) {
                sink.problem("headers", h.getKey() + ": a header that carries a credential cannot be written in job.yaml; "
                        + "use token_env / token_file (sent as a bearer token) or the sink's own secret key");
            }
            String v = h.getValue() == null ? "" : h.getValue();
            if (v.chars().anyMatch(c -> c < 0x20 || c == 0x7F) || h.getKey().chars().anyMatch(c -> c <= 0x20 || c >= 0x7F || c == ':')) {
                sink.problem("headers", h.getKey() + ": names and values must be printable, on one line");
            }
        }
        return new HttpEndpoint(u, sink.get(CA_FILE), headers);
    }

    /** What is wrong with an HTTP sink's URL (never quoting a credential it holds), or null. */
    public static String checkUrl(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "'" + url + "' is not an http(s) URL";
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            return uri.getRawUserInfo() != null ? "not an http(s) URL" : "'" + url + "' is not an http(s) URL";
        }
        if (uri.getRawUserInfo() != null) {
            return "credentials in the URL (user:password@) are not read from the config file; use the sink's "
                    + "password_env / password_file, or url_env / url_file when the URL itself is the secret";
        }
        String query = uri.getRawQuery();
        if (query != null) {
            for (String param : query.split("&")) {
                String name = param.contains("=") ? param.substring(0, param.indexOf('=')) : param;
                if (CREDENTIAL_PARAM.matcher(name).matches()) {
                    return "the query parameter '" + name + "' carries a credential; use url_env / url_file when the "
                            + "URL itself is the secret";
                }
            }
        }
        return null;
    }

    /** The receiver sending {@code requests} here, with the sink's headers and {@code extra} ones (authorization). */
    public AlertReceiver receiver(HttpReceiver.AlertRequests requests, SinkRuntime runtime, Map<String, String> extra) {
        Map<String, String> all = headers;
        if (!extra.isEmpty()) {
            all = new LinkedHashMap<>(headers);
            all.putAll(extra);
        }
        return new HttpReceiver(requests, runtime.timeout(), all, caFile == null ? null : TlsContexts.trusting(caFile));
    }

    /** A bearer token's header, or none. */
    public static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }
}
