package io.patchwatch.testkit.syslog;

import io.patchwatch.testkit.ChildProcesses;
import io.patchwatch.testkit.RunningServer;
import io.patchwatch.testkit.TestServers;
import io.patchwatch.testkit.containers.ServerImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslog on 127.0.0.1 (a container of {@link ServerImage#RSYSLOG} when the tests run their
 * servers as containers, else the Debian packages {@code rsyslog} and {@code rsyslog-gnutls} as a child
 * process): one TCP input (RFC 6587 octet-counted or newline-framed messages), plain or TLS
 * ({@link #startTls}), each message's raw text written as one line to {@link #messages()}.
 *
 * <pre>{@code
 * try (RsyslogServer rsyslog = RsyslogServer.start(dir)) {
 *     // send to 127.0.0.1:rsyslog.port()
 *     List<String> lines = rsyslog.awaitMessages(1, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class RsyslogServer implements AutoCloseable {
    private static final String BINARY = System.getProperty("patchwatch.rsyslogd.binary", "/usr/sbin/rsyslogd");

    private final RunningServer process;
    private final int port;
    private final Path out;
    private final Path log;

    private RsyslogServer(RunningServer process, int port, Path out, Path log) {
        this.process = process;
        this.port = port;
        this.out = out;
        this.log = log;
    }

    public static RsyslogServer start(Path dir) throws IOException, InterruptedException {
        return start(dir, null, null);
    }

    /**
     * An rsyslog whose TCP input speaks TLS (RFC 5425, rsyslog's GnuTLS stream driver) with this
     * certificate and key (PEM); clients are not asked for a certificate.
     */
    public static RsyslogServer startTls(Path dir, Path certificatePem, Path keyPem) throws IOException, InterruptedException {
        return start(dir, certificatePem, keyPem);
    }

    private static RsyslogServer start(Path dir, Path certificatePem, Path keyPem) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("work"));
        int port = ChildProcesses.freeLoopbackPort();
        Path out = dir.resolve("messages.log");
        Path conf = dir.resolve("rsyslog.conf");
        String global = "workDirectory=\"" + dir.resolve("work") + "\"";
        String tcp = "";
        if (certificatePem != null) {
            // The files beside the config: where the server runs (a container) sees this directory.
            Path cert = Files.copy(certificatePem, dir.resolve("server-cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Path key = Files.copy(keyPem, dir.resolve("server-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            global += " defaultNetstreamDriverCAFile=\"" + cert + "\" defaultNetstreamDriverCertFile=\"" + cert
                    + "\" defaultNetstreamDriverKeyFile=\"" + key + "\"";
            tcp = " streamDriver.name=\"gtls\" streamDriver.mode=\"1\" streamDriver.authMode=\"anon\"";
        }
        // Only what the test needs: no local log sockets, no kernel log, one TCP input on loopback.
        Files.writeString(conf, """
                global(%s)
                module(load="imtcp"%s)
                template(name="raw" type="string" string="%%rawmsg%%\\n")
                ruleset(name="patchwatch") {
                  action(type="omfile" file="%s" template="raw" flushOnTXEnd="on" asyncWriting="off")
                }
                input(type="imtcp" address="127.0.0.1" port="%d" ruleset="patchwatch")
                """.formatted(global, tcp, out, port), StandardCharsets.UTF_8);
        Path log = dir.resolve("rsyslogd.log");
        RunningServer p = TestServers.start(ServerImage.RSYSLOG, BINARY, "rsyslog",
                List.of("-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString()), dir, log, 10);
        RsyslogServer server = new RsyslogServer(p, port, out, log);
        server.awaitPort();
        return server;
    }

    public int port() {
        return port;
    }

    public Path messages() {
        return out;
    }

    /** Waits until at least {@code count} messages were written; returns them all. */
    public List<String> awaitMessages(int count, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
            if (lines.size() >= count) {
                return lines;
            }
            Thread.sleep(100);
        }
        throw new IOException("rsyslog wrote " + lines.size() + " of " + count + " messages within " + timeout.toSeconds()
                + " s:\n" + String.join("\n", lines) + "\n--- rsyslogd ---\n" + Files.readString(log));
    }

    private void awaitPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited (" + process.exitDescription() + "):\n" + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        close();
        throw new IOException("rsyslogd did not listen on " + port + " within 30 s:\n" + Files.readString(log));
    }

    @Override
    public void close() {
        process.close();
    }
}
