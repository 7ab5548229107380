package io.patchwatch.testkit.prometheus;

import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.TestServers;
import io.patchwatch.testkit.containers.ServerImage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server on 127.0.0.1, scraping the given targets every second: in a container of
 * the test image ({@link ServerImage#PROMETHEUS}) when the tests run their servers as containers,
 * else the Debian package {@code prometheus} as a child process.
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusServer.start(dir, List.of("127.0.0.1:9250"))) {
 *     String json = prometheus.query("sum(flink_taskmanager_job_task_operator_patchwatch_devices_tracked)");
 * }
 * }</pre>
 */
public final class PrometheusServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("patchwatch.prometheus.binary", "/usr/bin/prometheus");

    private final RunningServer process;
    private final int port;
    private final Path log;

    private PrometheusServer(RunningServer process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static PrometheusServer start(Path dir, List<String> targets) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 900ms
                scrape_configs:
                  - job_name: flink
                    static_configs:
                      - targets: [%s]
                """.formatted(targets.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "))));
        int port = ChildProcesses.freeLoopbackPort();
        Path log = dir.resolve("prometheus.log");
        RunningServer p = TestServers.start(ServerImage.PROMETHEUS, BINARY, "prometheus", List.of("--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"),
                dir, log, 20);
        PrometheusServer server = new PrometheusServer(p, port, log);
        server.awaitReady();
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** An instant query: the JSON answer of {@code /api/v1/query}. */
    public String query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(url() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("query " + promql + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The JSON list of scrape targets and their health. */
    public String targets() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/api/v1/targets")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("prometheus exited (" + process.exitDescription() + "):\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(url() + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IOException("prometheus was not ready within 60 s:\n" + Files.readString(log));
    }

    @Override
    public void close() {
        process.close();
    }
}
