package io.patchwatch.jobs.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.json.StatusJson;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.jobconfig.JobOptions;
import io.patchwatch.jobs.status.DeviceFilter;
import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.jobs.status.StatusLines;
import io.patchwatch.jobs.status.StatusTopic;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchwatch status}: where the fleet stands, from the status topic (committed records):
 * counts per tenant and site, then the devices in the asked state; exit 1 when there are any (a
 * check a script or a monitoring system can run). {@code status serve}: the same, live, as a page.
 */
@Command(name = "status", description = "Where every device stands: counts per tenant and site, the devices in a state.",
        subcommands = StatusServeCommand.class)
final class StatusCommand extends CliCommand {

    /** Where the status topic is: --bootstrap, or job.yaml's Kafka settings and status topic. */
    static class TopicOptions {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "The Kafka cluster (or --config).")
        String bootstrap;

        @Option(names = "--config", paramLabel = "FILE", description = "The job's job.yaml: its Kafka settings and status topic.")
        Path config;

        @Option(names = "--topic", paramLabel = "TOPIC", description = "The status topic (default: job.yaml's status.topic, or "
                + "patchwatch-device-status).")
        String topic;

        /** The status topic and how to reach it; job.yaml is read once. */
        record Where(Properties client, String topic) {}

        Where resolve() {
            if (config != null) {
                JobConfig job = JobConfig.load(config);
                String t = topic != null ? topic : job.statusTopic();
                if (t == null) {
                    throw new ConfigException(config + ": status.topic is off: the job writes no status");
                }
                return new Where(job.kafka().clientProperties(), t);
            }
            if (bootstrap == null) {
                throw new UsageException("status needs --bootstrap HOST:PORT or --config job.yaml");
            }
            return new Where(KafkaConnection.plaintext(bootstrap).clientProperties(),
                    topic != null ? topic : JobOptions.Status.TOPIC.defaultValue());
        }
    }

    @Mixin
    TopicOptions where;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant.")
    String tenant;

    @Option(names = "--site", paramLabel = "SITE", description = "Only this site.")
    String site;

    @Option(names = "--state", paramLabel = "STATE", description = "List the devices in this state: healthy, patching, "
            + "pending-reboot, service-down, failed, offline, unknown; exit 1 if there are any.")
    String state;

    @Option(names = "--json", description = "One JSON document (counts, devices, unreadable records) for scripts.")
    boolean json;

    @Override
    public Integer call() {
        PatchState asked;
        try {
            asked = state == null ? null : FleetStatus.state(state);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        FleetStatus fleet;
        try {
            TopicOptions.Where w = where.resolve();
            fleet = StatusTopic.read(w.client(), w.topic());
        } catch (ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        } catch (RuntimeException e) {
            err.println("patchwatch: status: " + ReplayCommand.rootMessage(e));
            return 1;
        }
        DeviceFilter filter = new DeviceFilter(tenant, site, null, asked, null, null);
        List<FleetStatus.Count> counts = fleet.count(filter.anyState(), false);
        List<DeviceStatus> devices = asked == null ? List.of() : fleet.devices(filter);
        if (json) {
            out.println(json(counts, devices, fleet.unreadable()));
        } else {
            print(counts, devices, asked, fleet.unreadable());
        }
        return devices.isEmpty() ? 0 : 1;
    }

    private void print(List<FleetStatus.Count> counts, List<DeviceStatus> devices, PatchState asked, long unreadable) {
        List<PatchState> states = shownStates();
        StringBuilder header = new StringBuilder(String.format("%-16s %-16s %7s", "TENANT", "SITE", "DEVICES"));
        states.forEach(s -> header.append(String.format(" %14s", s.name().replace('_', '-'))));
        out.println(header);
        for (FleetStatus.Count c : counts) {
            StringBuilder line = new StringBuilder(String.format("%-16s %-16s %7d", c.tenant(), c.site().isEmpty() ? "-" : c.site(), c.total()));
            states.forEach(s -> line.append(String.format(" %14d", c.of(s))));
            out.println(line);
        }
        if (counts.isEmpty()) {
            out.println("(no device)");
        }
        if (unreadable > 0) {
            out.println(unreadable + " unreadable record" + (unreadable == 1 ? "" : "s") + " on the topic");
        }
        if (asked != null) {
            out.println();
            out.println(devices.size() + " device" + (devices.size() == 1 ? "" : "s") + " " + asked.name().replace('_', '-') + ":");
            for (DeviceStatus d : devices) {
                out.println("  " + d.getTenant() + "/" + d.getDevice() + "  " + (d.getSite() == null ? "-" : d.getSite())
                        + "  " + StatusLines.why(d));
            }
        }
    }

    private static List<PatchState> shownStates() {
        List<PatchState> states = new ArrayList<>(List.of(PatchState.values()));
        states.remove(PatchState.unknown);
        return states;
    }

    private static String json(List<FleetStatus.Count> counts, List<DeviceStatus> devices, long unreadable) {
        ObjectNode o = AlertJson.object();
        ArrayNode rows = o.putArray("counts");
        for (FleetStatus.Count c : counts) {
            ObjectNode row = rows.addObject();
            row.put("tenant", c.tenant());
            row.put("site", c.site().isEmpty() ? null : c.site());
            row.put("devices", c.total());
            ObjectNode states = row.putObject("states");
            for (PatchState s : PatchState.values()) {
                states.put(s.name(), c.of(s));
            }
        }
        ArrayNode list = o.putArray("devices");
        devices.forEach(d -> list.add(StatusJson.toNode(d)));
        o.put("unreadable", unreadable);
        return AlertJson.write(o);
    }
}
