package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.LocalFlink;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.jobs.settings.JobSettings;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.demo.DemoReport;
import io.patchwatch.jobs.demo.FleetPlan;
import io.patchwatch.jobs.demo.FleetSource;
import io.patchwatch.connectors.adapters.RawRecord;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.io.PrintStream;
import java.util.Map;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.List;
import io.patchwatch.jobs.demo.DemoThroughKafka;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code patchwatch demo}: a simulated patch night on an embedded Flink cluster, in accelerated
 * event time. Prints each alert as it fires and a summary matching every injected fault to its
 * alert. Exit code 0 when every fault was caught and no alert is unexplained, 1 otherwise.
 */
@Command(name = "demo", description = "A simulated patch night on an embedded Flink cluster, alerts as they fire, then a summary.")
final class DemoCommand extends CliCommand {
    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String GREEN = "\u001b[32m";
    private static final String BOLD = "\u001b[1m";

    @Option(names = "--devices", defaultValue = "2000", paramLabel = "N", description = "Devices in the fleet, at least 10 (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--tenants", defaultValue = "12", paramLabel = "N", description = "Tenants, 1-15 (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "The night's random seed (default: ${DEFAULT-VALUE}).")
    int seed;

    @Option(names = "--parallelism", defaultValue = "2", paramLabel = "N", description = "Flink's parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--rules", paramLabel = "FILE", description = "A rules file instead of the built-in rules.")
    Path rulesPath;

    @Option(names = "--kafka", description = "Through a Kafka broker (patchwatch kafka start), alerts read back committed.")
    boolean kafka;

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            description = "The broker of --kafka (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--no-color", description = "No colours (also: NO_COLOR set, or not a terminal).")
    boolean noColor;

    @Override
    public Integer call() {
        if (devices < 10 || tenants < 1 || tenants > 15) {
            throw usage("demo needs --devices >= 10 and --tenants 1-15");
        }
        boolean color = !noColor && System.console() != null && System.getenv("NO_COLOR") == null;
        Style style = new Style(color);

        FleetPlan plan = FleetPlan.create(devices, tenants, seed);
        RuleSet rules;
        java.nio.file.Path rulesFile;
        try {
            RuleSet given = rulesPath == null ? RuleSet.defaults() : RuleSet.load(rulesPath);
            // The night's declared window joins the rules (unless the file declares its own windows).
            String text = given.sourceText() + (given.maintenance().isEmpty() ? plan.maintenanceYaml() : "");
            rules = RuleSet.parse(text.getBytes(java.nio.charset.StandardCharsets.UTF_8), "demo rules");
            rulesFile = java.nio.file.Files.createTempFile("patchwatch-demo-rules", ".yaml");
            rulesFile.toFile().deleteOnExit();
            java.nio.file.Files.writeString(rulesFile, text);
        } catch (io.patchwatch.connectors.config.ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        } catch (java.io.IOException e) {
            err.println("patchwatch: cannot write the demo's rules: " + e.getMessage());
            return 1;
        }
        out.println(style.bold("patchwatch demo") + ": patch night of " + devices + " devices in " + tenants
                + " tenants, " + EventTimes.format(FleetPlan.NIGHT.toEpochMilli()) + " + " + FleetPlan.LENGTH.toHours()
                + " h, on an embedded Flink cluster (parallelism " + parallelism + ")"
                + (kafka ? " through Kafka at " + bootstrap : ""));
        FleetPlan.UplinkLoss loss = plan.uplinkLoss();
        out.println("  site " + loss.tenant() + "/" + loss.site() + " loses its uplink " + EventTimes.format(loss.from()).substring(11, 16)
                + "-" + EventTimes.format(loss.to()).substring(11, 16) + "; tenant " + plan.window().tenant()
                + " declared maintenance window " + plan.window().name() + " " + EventTimes.format(plan.window().from()).substring(11, 16)
                + "-" + EventTimes.format(plan.window().to()).substring(11, 16) + "; the ping collector of tenant "
                + plan.collector().tenant() + " dies " + EventTimes.format(plan.collector().from()).substring(11, 16) + "-"
                + EventTimes.format(plan.collector().to()).substring(11, 16));
        out.println();

        long started = System.nanoTime();
        Replay.Result result;
        try {
            result = kafka
                    ? new Replay.Result(DemoThroughKafka.run(plan, bootstrap, parallelism, rulesFile.toString(),
                            a -> out.println(style.alert(a)), out), List.of(), plan.end() - 1, Replay.Counts.UNKNOWN, List.of())
                    : embedded(plan, parallelism, rules, a -> out.println(style.alert(a)));
        } catch (Exception e) {
            err.println("patchwatch: demo failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        DemoReport report = DemoReport.of(plan, result.alerts(), result.held(), rules);
        out.println();
        out.println(style.bold("Summary"));
        out.printf("  devices patched %d, rebooted and back %d, in %.1f s of wall time%n",
                report.patched(), report.rebooted(), seconds);
        DemoReport.Noise noise = report.noise();
        out.printf("  %,d incidents, %,d pages%s%n", noise.incidents(), noise.pages(), kafka ? ""
                : String.format(" (%,d held: %,d paged later, %,d closed without a page, %,d still held at the end)",
                        noise.held(), noise.pagedLater(), noise.closed(), noise.held() - noise.pagedLater() - noise.closed()));
        out.println("  site " + loss.tenant() + "/" + loss.site() + " lost its uplink -> "
                + (noise.siteOutagePaged() ? style.green("one site-outage page") : style.red("MISSED: no site-outage page")));
        out.println("  the ping collector died -> "
                + (noise.feedSilencePaged() ? style.green("one feed-silent page") : style.red("MISSED: no feed-silent page")));
        out.println("  alerts by rule (firing / resolved):");
        for (Map.Entry<String, int[]> e : report.byRule().entrySet()) {
            out.printf("    %-34s %5d / %d%n", e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        out.println("  injected faults (injected -> caught):");
        report.faults().forEach((fault, score) -> out.printf("    %-34s %5d -> %d%s%n", fault.label(), score.injected(),
                score.caught(), score.caught() == score.injected() ? "  " + style.green("all caught") : "  " + style.red("MISSED")));
        for (String m : report.missed()) {
            out.println("    " + style.red("missed: " + m));
        }
        out.println("  alerts no injected fault explains: " + report.unexplained().size());
        for (String u : report.unexplained().stream().limit(10).toList()) {
            out.println("    " + style.yellow(u));
        }
        if (!result.deadLetters().isEmpty()) {
            out.println("  dead letters: " + result.deadLetters().size());
        }
        out.println(report.allCaught()
                ? style.green("  every injected fault was caught, and nothing else alerted")
                : style.red("  some faults were missed or alerts are unexplained"));
        return report.allCaught() ? 0 : 1;
    }

    /** The night through the job on the embedded cluster, from a generator source. */
    private static Replay.Result embedded(FleetPlan plan, int parallelism, RuleSet rules, java.util.function.Consumer<Alert> onAlert)
            throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism);
        DataStream<RawRecord> night = env.fromSource(FleetSource.of(plan), WatermarkStrategy.noWatermarks(), "Simulated fleet")
                .setParallelism(1);
        return Replay.execute(night, new CanonicalJsonAdapter(), JobSettings.replay(plan.end() - 1), rules,
                plan.inventory(), onAlert);
    }

    /** Terminal colours, only when writing to a terminal. */
    private record Style(boolean color) {
        String alert(Alert a) {
            boolean firing = a.getStatus() == AlertStatus.firing;
            String status = firing ? "FIRING  " : "RESOLVED";
            String sev = a.getSeverity();
            String head = EventTimes.format(a.getTs()).substring(11, 19) + " " + status + " " + String.format("%-8s", sev);
            String colour = !firing ? GREEN : sev.equals("critical") ? RED : YELLOW;
            return (color ? colour + head + RESET : head) + " " + a.getTenant() + "/" + a.getDevice() + ": " + a.getMessage();
        }

        String bold(String s) {
            return color ? BOLD + s + RESET : s;
        }

        String green(String s) {
            return color ? GREEN + s + RESET : s;
        }

        String red(String s) {
            return color ? RED + s + RESET : s;
        }

        String yellow(String s) {
            return color ? YELLOW + s + RESET : s;
        }
    }
}
