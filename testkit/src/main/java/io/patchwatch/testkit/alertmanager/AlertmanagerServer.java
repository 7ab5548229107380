package io.patchwatch.testkit.alertmanager;

import io.patchwatch.testkit.ChildProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (the Debian package {@code prometheus-alertmanager}, which
 * {@code .ci/run} installs) as a child process on 127.0.0.1, with clustering off (an empty cluster
 * address; otherwise it binds 0.0.0.0:9094) and one receiver that notifies nobody.
 */
public final class AlertmanagerServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("patchwatch.alertmanager.binary", "/usr/bin/prometheus-alertmanager");

    private final Process process;
    private final int port;
    private final Path log;

    private AlertmanagerServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static AlertmanagerServer start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IOException(BINARY + " is missing: install the Debian package (apt-get install prometheus-alertmanager), "
                    + "as .ci/run does");
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("alertmanager.yml");
        Files.writeString(config, """
                route:
                  receiver: "nobody"
                receivers:
                  - name: "nobody"
                """);
        int port = ChildProcesses.freeLoopbackPort();
        Path log = dir.resolve("alertmanager.log");
        Process p = ChildProcesses.start(List.of(BINARY, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn"), log);
        AlertmanagerServer server = new AlertmanagerServer(p, port, log);
        server.awaitReady();
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** {@code GET /api/v2/alerts}: the alerts Alertmanager holds as active, as JSON. */
    public String alerts() throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/api/v2/alerts"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("alertmanager exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url() + "/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        close();
        throw new IOException("alertmanager was not ready within 30 s:\n" + Files.readString(log));
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, 10);
    }
}
