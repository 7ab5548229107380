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
import java.util.Set;
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
final class DemoCommand {
    private static final String RESET = "\u001b[0m";
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String GREEN = "\u001b[32m";
    private static final String BOLD = "\u001b[1m";

    private DemoCommand() {}

    static int run(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("devices", "tenants", "seed", "parallelism", "bootstrap", "rules"), Set.of(),
                Set.of("no-color", "kafka"));
        int devices = args.intValue("devices", 2000);
        int tenants = args.intValue("tenants", 12);
        int parallelism = args.intValue("parallelism", 2);
        long seed = args.intValue("seed", 42);
        if (devices < 10 || tenants < 1 || tenants > 15) {
            throw new Args.UsageException("demo needs --devices >= 10 and --tenants 1-15");
        }
        boolean color = !args.flag("no-color") && System.console() != null && System.getenv("NO_COLOR") == null;
        Style style = new Style(color);

        RuleSet rules;
        try {
            rules = args.get("rules") == null ? RuleSet.defaults() : RuleSet.load(java.nio.file.Path.of(args.get("rules")));
        } catch (io.patchwatch.jobs.config.ConfigException e) {
            e.problems().forEach(p -> err.println("patchwatch: " + p));
            return 2;
        }
        java.util.Set<String> ruleIds = new java.util.HashSet<>();
        rules.rules().forEach(r -> ruleIds.add(r.id()));
        FleetPlan plan = FleetPlan.create(devices, tenants, seed);
        out.println(style.bold("patchwatch demo") + ": patch night of " + devices + " devices in " + tenants
                + " tenants, " + EventTimes.format(FleetPlan.NIGHT.toEpochMilli()) + " + " + FleetPlan.LENGTH.toHours()
                + " h, on an embedded Flink cluster (parallelism " + parallelism + ")"
                + (args.flag("kafka") ? " through Kafka at " + args.get("bootstrap", "127.0.0.1:9092") : ""));
        out.println();

        long started = System.nanoTime();
        List<Alert> alerts;
        try {
            alerts = args.flag("kafka")
                    ? DemoThroughKafka.run(plan, args.get("bootstrap", "127.0.0.1:9092"), parallelism, args.get("rules"),
                            a -> out.println(style.alert(a)), out)
                    : embedded(plan, parallelism, rules, a -> out.println(style.alert(a)));
        } catch (Exception e) {
            err.println("patchwatch: demo failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Replay.Result result = new Replay.Result(alerts, List.of(), plan.end() - 1, Replay.Counts.UNKNOWN, List.of());

        DemoReport report = DemoReport.of(plan, result.alerts(), ruleIds);
        out.println();
        out.println(style.bold("Summary"));
        out.printf("  devices patched %d, rebooted and back %d, in %.1f s of wall time%n",
                report.patched(), report.rebooted(), seconds);
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
    private static List<Alert> embedded(FleetPlan plan, int parallelism, RuleSet rules, java.util.function.Consumer<Alert> onAlert)
            throws Exception {
        StreamExecutionEnvironment env = LocalFlink.environment(parallelism);
        DataStream<RawRecord> night = env.fromSource(FleetSource.of(plan), WatermarkStrategy.noWatermarks(), "Simulated fleet")
                .setParallelism(1);
        return Replay.execute(night, new CanonicalJsonAdapter(), JobSettings.replay(plan.end() - 1), rules,
                plan.inventory(), onAlert).alerts();
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
