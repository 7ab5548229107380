package io.patchwatch.testkit.alertmanager;

import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.TestServers;
import io.patchwatch.testkit.containers.ServerImage;
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
 * A real Prometheus Alertmanager on 127.0.0.1 (a container of {@link ServerImage#ALERTMANAGER} when the
 * tests run their servers as containers, else the Debian package {@code prometheus-alertmanager} as a
 * child process), with clustering off (an empty cluster
 * address; otherwise it binds 0.0.0.0:9094) and one receiver that notifies nobody.
 */
public final class AlertmanagerServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("patchwatch.alertmanager.binary", "/usr/bin/prometheus-alertmanager");

    private final RunningServer process;
    private final int port;
    private final Path log;

    private AlertmanagerServer(RunningServer process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static AlertmanagerServer start(Path dir) throws IOException, InterruptedException {
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
        RunningServer p = TestServers.start(ServerImage.ALERTMANAGER, BINARY, "prometheus-alertmanager", List.of(
                "--config.file=" + config, "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=", "--log.level=warn"), dir, log, 10);
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
                throw new IOException("alertmanager exited (" + process.exitDescription() + "):\n" + Files.readString(log));
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
        process.close();
    }
}
