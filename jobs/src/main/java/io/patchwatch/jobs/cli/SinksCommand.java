package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.PatchwatchVersion;
import io.patchwatch.connectors.sinks.delivery.AlertReceiver;
import io.patchwatch.connectors.sinks.delivery.DeliveryResult;
import io.patchwatch.connectors.sinks.delivery.Receivers;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.io.PrintStream;
import java.util.List;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.concurrent.TimeUnit;

/**
 * {@code patchwatch sinks test --config job.yaml [--sink NAME]}: sends one test alert, firing then
 * resolved, to each sink of job.yaml (its route ignored) and says how each answered, so that a
 * routing key, a token, a template or a certificate is known to work before the first patch night.
 * One attempt each, no retries; exit status 1 when any sink did not take both.
 */
@Command(name = "sinks", description = "The alert sinks of job.yaml.", subcommands = SinksCommand.Test.class)
final class SinksCommand extends GroupCommand {
    static final String TEST_RULE = "sink-test";
    static final String TEST_DEVICE = "PATCHWATCH-SINK-TEST";


    @Command(name = "test", description = "Send a test alert (firing, then resolved) to each alert sink; exit 1 if one fails.")
    static final class Test extends CliCommand {
        @Option(names = "--config", required = true, paramLabel = "FILE", description = "job.yaml.")
        Path config;

        @Option(names = "--sink", paramLabel = "NAME", description = "Only this sink.")
        String sink;

        @Override
        public Integer call() {
            return test(config, sink, out, err);
        }
    }

    static int test(Path configFile, String sinkName, PrintStream out, PrintStream err) {
        JobConfig config = RunCommand.localJobConfig(configFile, err);
        if (config == null) {
            return 2;
        }
        List<SinkSpec> sinks = config.sinks().stream()
                .filter(s -> sinkName == null || s.name().equals(sinkName)).toList();
        if (sinks.isEmpty()) {
            err.println("patchwatch: " + (sinkName == null ? "job.yaml has no sinks"
                    : "no sink named '" + sinkName + "' in job.yaml"));
            return 2;
        }
        boolean allDelivered = true;
        for (SinkSpec spec : sinks) {
            Alert firing = testAlert(spec.name());
            Alert resolved = Alert.newBuilder(firing).setStatus(AlertStatus.resolved).setTs(System.currentTimeMillis())
                    .setMessage("patchwatch test alert for sink " + spec.name() + " resolved").build();
            try (AlertReceiver receiver = Receivers.create(spec, System.getenv(), PatchwatchVersion.get())) {
                DeliveryResult fired = send(receiver, firing, spec);
                DeliveryResult cleared = fired.kind() == DeliveryResult.Kind.DELIVERED ? send(receiver, resolved, spec) : null;
                boolean ok = cleared != null && cleared.kind() == DeliveryResult.Kind.DELIVERED;
                allDelivered &= ok;
                out.println(spec.name() + " (" + spec.type() + "): firing " + describe(fired)
                        + (cleared == null ? "" : ", resolved " + describe(cleared)));
            } catch (RuntimeException e) {
                allDelivered = false;
                out.println(spec.name() + " (" + spec.type() + "): cannot send: " + e.getMessage());
            }
        }
        return allDelivered ? 0 : 1;
    }

    private static DeliveryResult send(AlertReceiver receiver, Alert alert, SinkSpec spec) {
        try {
            return receiver.send(alert, false).get(spec.policy().timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return DeliveryResult.error(e);
        }
    }

    private static String describe(DeliveryResult r) {
        String status = r.status() > 0 ? "HTTP " + r.status() : "";
        return switch (r.kind()) {
            case DELIVERED -> "delivered" + (status.isEmpty() ? "" : " (" + status + ")");
            case REJECTED -> "REJECTED: " + r.detail();
            case RETRY -> "FAILED (would be retried): " + r.detail();
        };
    }

    static Alert testAlert(String sink) {
        long now = System.currentTimeMillis();
        return Alert.newBuilder().setRule(TEST_RULE).setStatus(AlertStatus.firing).setTs(now).setSeverity("info")
                .setTenant("patchwatch").setSite(null).setDevice(TEST_DEVICE).setKbs(List.of()).setService(null)
                .setMessage("patchwatch test alert for sink " + sink + ": if you read this, delivery works")
                .setContext(AlertContext.newBuilder().build())
                .setDedupKey("patchwatch/" + TEST_DEVICE + "/" + TEST_RULE + "/" + sink + "/" + now).build();
    }
}
