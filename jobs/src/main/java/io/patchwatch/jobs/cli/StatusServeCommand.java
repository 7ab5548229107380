package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.jobs.status.StatusTopic;
import io.patchwatch.jobs.status.web.StatusServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchwatch status serve}: the status page, fed live from the status topic, until stopped
 * (Ctrl-C, SIGTERM). Loopback by default: the page has no authentication.
 */
@Command(name = "serve", description = "Serve the status page (fleet summary, devices, a device's night), live from the status topic.")
final class StatusServeCommand extends CliCommand {
    @Mixin
    StatusCommand.TopicOptions where;

    @Option(names = "--listen", defaultValue = "127.0.0.1:8088", paramLabel = "HOST:PORT",
            description = "Where the page listens (default: ${DEFAULT-VALUE}; port 0: any free port).")
    String listen;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = address(listen);
        Properties client;
        String topic;
        try {
            StatusCommand.TopicOptions.Where w = where.resolve();
            client = w.client();
            topic = w.topic();
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        if (!address.getAddress().isLoopbackAddress()) {
            err.println("patchwatch: warning: the status page listens on " + listen
                    + ", beyond this machine, and has no authentication: anyone who reaches it sees every device");
        }
        FleetStatus fleet = new FleetStatus();
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean failed = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                StatusTopic.follow(client, topic, fleet, () -> stopped.getCount() == 0);
            } catch (RuntimeException e) {
                // A page that cannot follow its topic would show a fleet frozen in the past: stop instead.
                err.println("patchwatch: " + ReplayCommand.rootMessage(e));
                failed.set(true);
                stopped.countDown();
            }
        }, "status-topic");
        try (StatusServer server = StatusServer.start(fleet, address)) {
            reader.start();
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            InetSocketAddress bound = server.address();
            out.println("patchwatch: status page on http://" + bound.getHostString() + ":" + bound.getPort() + "/ (topic " + topic + ")");
            out.flush();
            stopped.await();
        }
        reader.join(5_000);
        return failed.get() ? 1 : 0;
    }

    private InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw usage("--listen needs HOST:PORT, not '" + hostPort + "'");
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw usage("--listen: port " + port + " is out of range");
            }
            String host = hostPort.substring(0, colon).replaceAll("^\\[|\\]$", "");
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (NumberFormatException e) {
            throw usage("--listen: '" + hostPort.substring(colon + 1) + "' is not a port");
        } catch (UnknownHostException e) {
            throw usage("--listen: unknown host '" + hostPort.substring(0, colon) + "'");
        }
    }
}
