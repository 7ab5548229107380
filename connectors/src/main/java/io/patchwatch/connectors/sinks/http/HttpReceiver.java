package io.patchwatch.connectors.sinks.http;

import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import io.patchwatch.schemas.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The transport of every HTTP sink: one request per alert, sent asynchronously with the JDK's
 * client (TLS certificates and host names verified, against the JVM's trust store or a given CA),
 * and the answer classified by {@link HttpOutcomes}. What the request looks like belongs to the
 * sink's {@link AlertRequests}.
 */
public final class HttpReceiver implements AlertReceiver {

    /** Builds the request for one alert: method, URI, body and the sink's own headers. */
    @FunctionalInterface
    public interface AlertRequests {
        HttpRequest.Builder request(Alert alert, boolean resend, long nowMillis);
    }

    static final int MAX_BODY_BYTES = 8192;

    private final ExecutorService executor;
    private final HttpClient client;
    private final AlertRequests requests;
    private final Duration timeout;
    private final Map<String, String> headers;

    public HttpReceiver(AlertRequests requests, Duration timeout, Map<String, String> headers, SSLContext tls) {
        // Our own threads, so that close() can stop them (Java 17's HttpClient has no close).
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "patchwatch-http-sink");
            t.setDaemon(true);
            return t;
        });
        HttpClient.Builder builder = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.client = builder.build();
        this.requests = requests;
        this.timeout = timeout;
        this.headers = headers;
    }

    @Override
    public CompletableFuture<DeliveryResult> send(Alert alert, boolean resend) {
        HttpRequest request;
        try {
            HttpRequest.Builder b = requests.request(alert, resend, System.currentTimeMillis()).timeout(timeout);
            headers.forEach(b::header);
            b.setHeader("User-Agent", "patchwatch");
            request = b.build();
        } catch (RuntimeException e) {
            // An alert this sink cannot express (a template that does not fit it): retrying cannot help.
            return CompletableFuture.completedFuture(DeliveryResult.rejected(0, "cannot build the request: " + e.getMessage()));
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .handle((response, error) -> error != null
                        ? DeliveryResult.error(error)
                        : HttpOutcomes.classify(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                                start(response.body()), System.currentTimeMillis()))
                // The request timeout ends with the headers; a body that stalls after them must not
                // hold an in-flight slot for ever.
                .completeOnTimeout(DeliveryResult.retry(0, "no complete answer within twice the timeout", -1),
                        2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The start of an answer's body: enough to say why; a receiver cannot make us hold megabytes. */
    private static String start(InputStream body) {
        try (body) {
            return new String(body.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the body could not be read: " + e.getClass().getSimpleName() + ")";
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
