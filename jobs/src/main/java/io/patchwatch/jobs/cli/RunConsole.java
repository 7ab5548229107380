package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.PatchwatchVersion;
import io.patchwatch.connectors.config.Durations;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import io.patchwatch.jobs.jobconfig.JobConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * What {@code patchwatch run} tells an operator on its console when it starts: what it reads, where
 * alerts go, which rules and sinks, where checkpoints are. (While it runs, the rules versions it
 * applies, the sinks that fail and recover and each completed checkpoint follow as log lines on
 * stderr: flink-conf/log4j2-cli.properties.)
 */
final class RunConsole {
    private RunConsole() {}

    static void starting(PrintStream out, JobConfig job, Path configFile, String fromCheckpoint) {
        out.println("patchwatch " + PatchwatchVersion.get() + ": running " + configFile + " on an embedded Flink cluster (parallelism "
                + job.parallelism() + ")");
        out.println("  kafka       " + job.kafka().bootstrapServers() + " (" + job.kafka().securityProtocol() + "), group "
                + job.groupId() + ", a new job starts at the " + job.startingOffsets() + " offsets");
        out.println("  inputs      " + job.inputs().stream().map(i -> i.topic() + " (" + i.format()
                + (i.tenant().equals("default") ? "" : ", tenant " + i.tenant()) + ")").collect(Collectors.joining(", ")));
        out.println("  alerts      " + job.alertsTopic() + (job.alertsJsonTopic() == null ? "" : " and " + job.alertsJsonTopic() + " (JSON)")
                + ", exactly once: read them with read_committed (patchwatch alerts tail)");
        out.println("  dead letters " + job.deadLetterTopic() + (job.eventsTopic() == null ? "" : "; events " + job.eventsTopic()));
        out.println("  rules       " + (job.rules() == null ? "the built-in rules" : job.rules().toString())
                + (job.rulesTopic() == null ? "; live rule versions off" : "; live rule versions from topic " + job.rulesTopic()
                        + " (patchwatch rules publish)"));
        out.println("  checkpoints every " + Durations.format(job.checkpointInterval()) + (job.checkpointDirectory() == null
                ? " (in a temp directory)" : " to " + job.checkpointDirectory())
                + (fromCheckpoint == null ? "" : "; resuming from " + fromCheckpoint));
        if (job.sinks().isEmpty()) {
            out.println("  sinks       none (alerts go to the topic only)");
        }
        for (SinkSpec s : job.sinks()) {
            out.println("  sink        " + s.name() + " (" + s.type() + ")" + route(s) + ", failed deliveries to "
                    + job.failedDeliveriesTopic());
        }
        out.flush();
    }

    private static String route(SinkSpec s) {
        StringBuilder r = new StringBuilder();
        if (!s.route().tenants().isEmpty()) {
            r.append(" tenants ").append(s.route().tenants());
        }
        if (!s.route().severities().isEmpty()) {
            r.append(" severities ").append(s.route().severities());
        }
        if (!s.route().rules().isEmpty()) {
            r.append(" rules ").append(s.route().rules());
        }
        return r.isEmpty() ? ", every alert" : ":" + r;
    }
}
