package io.patchwatch.connectors.sinks.http;

import java.net.URI;
import java.net.http.HttpRequest;

/** The request most HTTP sinks send: a JSON body POSTed to one endpoint. */
public final class JsonPost {
    private JsonPost() {}

    public static HttpRequest.Builder to(URI endpoint, String json) {
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
    }

    /** {@code base} without a trailing '/', ending in {@code path} (given as the whole endpoint or as the base). */
    public static URI endpoint(String base, String path) {
        String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        return URI.create(b.endsWith(path) ? b : b + path);
    }
}
