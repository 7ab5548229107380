package io.patchwatch.testkit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.patchwatch.testkit.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * An HTTP receiver for sink tests, on 127.0.0.1: records every request (method, path, query,
 * headers, body) with the answer it got, and answers as the test says, so a test can play a
 * receiver that is slow, overloaded (503), rate limiting (429 with Retry-After) or gone
 * ({@link #stop()}: connections refused, then {@link #restart()} on the same port).
 *
 * <pre>{@code
 * try (RecordingHttpServer pd = RecordingHttpServer.start()) {
 *     pd.answer(r -> Answer.status(202));
 *     ... deliver to pd.url() ...
 *     pd.awaitAccepted(4, Duration.ofSeconds(30));
 * }
 * }</pre>
 */
public final class RecordingHttpServer implements AutoCloseable {

    /** One request as received, and the status it was answered with. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body,
                          long receivedAt, int answeredStatus) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public boolean accepted() {
            return answeredStatus >= 200 && answeredStatus < 300;
        }
    }

    /** How to answer one request. */
    public record Answer(int status, Map<String, String> headers, String body, Duration delay) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", Duration.ZERO);
        }

        public Answer withBody(String text) {
            return new Answer(status, headers, text, delay);
        }

        public Answer withHeader(String name, String value) {
            Map<String, String> h = new TreeMap<>(headers);
            h.put(name, value);
            return new Answer(status, h, body, delay);
        }

        public Answer after(Duration wait) {
            return new Answer(status, headers, body, wait);
        }
    }

    private final int port;
    private final SSLContext tls;
    private final List<Request> requests = new ArrayList<>();
    private volatile Function<Request, Answer> answers = r -> Answer.status(200);
    private volatile boolean keepBodies = true;
    private HttpServer server;
    private ExecutorService threads;

    private RecordingHttpServer(int port, SSLContext tls) {
        this.port = port;
        this.tls = tls;
    }

    public static RecordingHttpServer start() throws IOException {
        RecordingHttpServer s = new RecordingHttpServer(ChildProcesses.freeLoopbackPort(), null);
        s.restart();
        return s;
    }

    /** The same over HTTPS, presenting the certificate of {@code tls}. */
    public static RecordingHttpServer startHttps(SSLContext tls) throws IOException {
        RecordingHttpServer s = new RecordingHttpServer(ChildProcesses.freeLoopbackPort(), tls);
        s.restart();
        return s;
    }

    public int port() {
        return port;
    }

    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port;
    }

    /** From now on, answer each request with what {@code answers} says (the request's status is not set yet). */
    public void answer(Function<Request, Answer> answers) {
        this.answers = answers;
    }

    /** Records requests without their bodies from now on (benchmarks: hundreds of thousands of requests). */
    public void discardBodies() {
        keepBodies = false;
    }

    /** Stops listening: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
            server = null;
        }
    }

    /** Listens again, on the same port. */
    public synchronized void restart() throws IOException {
        if (server != null) {
            return;
        }
        threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "recording-http-" + port);
            t.setDaemon(true);
            return t;
        });
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
        } else {
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 200);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            long at = System.currentTimeMillis();
            Request received = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body, at, 0);
            Answer a = answers.apply(received);
            if (!a.delay().isZero()) {
                try {
                    Thread.sleep(a.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            // Recorded before the answer leaves, so a client that saw the answer finds the request here.
            synchronized (requests) {
                requests.add(new Request(received.method(), received.path(), received.query(), keepBodies ? headers : Map.of(),
                        keepBodies ? body : "", at, a.status()));
                requests.notifyAll();
            }
            exchange.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream o = exchange.getResponseBody()) {
                    o.write(out);
                }
            }
        }
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests answered with a 2xx: what the receiver took. */
    public List<Request> accepted() {
        return requests().stream().filter(Request::accepted).toList();
    }

    /** Waits until {@code n} requests matching {@code which} were answered; returns all recorded. */
    public List<Request> await(Predicate<Request> which, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.stream().filter(which).count() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + n + " requests within " + timeout + ", got "
                            + requests.stream().filter(which).count() + " of " + requests.size() + " recorded");
                }
                requests.wait(Math.max(1, left / 1_000_000));
            }
            return List.copyOf(requests);
        }
    }

    public List<Request> awaitAccepted(int n, Duration timeout) throws InterruptedException {
        await(Request::accepted, n, timeout);
        return accepted();
    }

    @Override
    public void close() {
        stop();
    }
}
