package io.patchwatch.jobs.cli;

import io.patchwatch.jobs.cep.CepStateLayouts;
import io.patchwatch.jobs.cep.PointLookupCepOperator;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.kafka.KafkaConnection;
import io.patchwatch.jobs.cluster.FlinkRestClient;
import io.patchwatch.jobs.cluster.JobBundle;
import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.kafka.RulesTopic;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.rules.RuleSetDiff;
import io.patchwatch.jobs.live.RuleVersion;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import io.patchwatch.jobs.jobconfig.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Changing the rules of a running job (RULES.md "Changing rules while the job runs"):
 *
 * <pre>
 * patchwatch rules publish RULES (--bootstrap HOST:PORT | --config job.yaml) [--effective-from TIME] [--topic T] [--job NAME]
 * patchwatch rules apply RULES --cluster URL --job ID --config job.yaml --savepoint DIR [--jar FILE]
 * patchwatch rules history (--bootstrap HOST:PORT | --config job.yaml) [--out FILE]
 * </pre>
 *
 * {@code publish} writes a new version for changes that apply live and refuses structural ones,
 * naming them; {@code apply} takes a structural change through a savepoint.
 */
final class RulesLiveCommands {
    private RulesLiveCommands() {}

    /** Which rules topic, and the job's key on it: from job.yaml, or a broker's address with the defaults. */
    static class TopicOptions {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "The Kafka cluster (or --config).")
        String bootstrap;

        @Option(names = "--config", paramLabel = "FILE", description = "The job's job.yaml: its Kafka settings, rules topic and group.")
        Path config;

        @Option(names = "--topic", paramLabel = "TOPIC", description = "The rules topic (default: job.yaml's rules_topic, or patchwatch-rules).")
        String topic;

        @Option(names = "--job", paramLabel = "NAME", description = "The job's key on the topic (default: job.yaml's group_id, or patchwatch).")
        String job;
    }

    @Command(name = "publish", description = "Publish a rules file as the next version of a running job's rules (changes that apply live).")
    static final class Publish extends CliCommand {
        @Parameters(paramLabel = "RULES", description = "The rules file.")
        Path file;

        @Mixin
        TopicOptions where;

        @Option(names = "--effective-from", paramLabel = "TIME", description = "In force from this event time (ISO-8601; default: now).")
        String effectiveFrom;

        @Override
        public Integer call() {
            return publish(file, where, effectiveFrom, out, err);
        }
    }

    @Command(name = "history", description = "The rules versions a job has taken, as the record replay reads (--rule-versions).")
    static final class History extends CliCommand {
        @Mixin
        TopicOptions where;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the record here (default: stdout).")
        Path outFile;

        @Override
        public Integer call() {
            return history(where, outFile, out, err);
        }
    }

    @Command(name = "apply", description = "Take a structural rules change through a savepoint: stop, publish, resubmit.")
    static final class Apply extends CliCommand {
        @Parameters(paramLabel = "RULES", description = "The rules file.")
        Path file;

        @Option(names = "--cluster", required = true, paramLabel = "URL", description = "The cluster's REST API.")
        String cluster;

        @Option(names = "--job", required = true, paramLabel = "ID", description = "The running job's id.")
        String job;

        @Option(names = "--config", required = true, paramLabel = "FILE", description = "The job's job.yaml.")
        Path config;

        @Option(names = "--savepoint", required = true, paramLabel = "DIR", description = "Where the savepoint goes.")
        String savepoint;

        @Option(names = "--jar", paramLabel = "FILE", description = "The job jar (default: the one bin/patchwatch built).")
        String jar;

        @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "How long the stop may take (default: ${DEFAULT-VALUE}).")
        int timeout;

        @Override
        public Integer call() {
            return apply(this, out, err);
        }
    }

    static int publish(Path file, TopicOptions where, String effectiveFromText, PrintStream out, PrintStream err) {
        try {
            RulesTopic topic = topic(where);
            long effectiveFrom = effectiveFrom(effectiveFromText);
            String yaml = Files.readString(file, StandardCharsets.UTF_8);
            RulesTopic.Published p = topic.publish(yaml, file.toString(), effectiveFrom, false);
            if (p.alreadyPublished()) {
                out.println("patchwatch: " + file + " is already published as " + p.version());
            } else {
                out.println("patchwatch: published " + file + " as " + p.version());
            }
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println("patchwatch: " + problem));
            return 2;
        } catch (IOException e) {
            err.println("patchwatch: cannot read " + file + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("patchwatch: publish failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }

    /** The newest valid record of the job's rules topic: every version kept, for {@code replay --rule-versions}. */
    static int history(TopicOptions where, Path outFile, PrintStream out, PrintStream err) {
        try {
            RulesTopic topic = topic(where);
            var record = topic.latest();
            if (record.isEmpty()) {
                err.println("patchwatch: no rules version published for this job");
                return 1;
            }
            if (outFile != null) {
                Files.writeString(outFile, record.get() + "\n", StandardCharsets.UTF_8);
            } else {
                out.println(record.get());
            }
            for (RuleVersion v : io.patchwatch.jobs.live.RulesRecord.decode(record.get())) {
                err.println("patchwatch: " + v);
            }
            // What the job refused: written under its keys, not a valid version (it decided on without them).
            for (RulesTopic.Entry e : topic.refused()) {
                err.println("patchwatch: refused record at offset " + e.offset() + " (key " + e.key() + "): " + e.refused());
            }
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println("patchwatch: " + problem));
            return 2;
        } catch (Exception e) {
            err.println("patchwatch: rules history failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }

    static int apply(Apply args, PrintStream out, PrintStream err) {
        Path file = args.file;
        Path jar = ClusterCommands.jobJar(args.jar);
        if (jar == null) {
            err.println("patchwatch: no job jar" + ClusterCommands.NO_JAR_HINT);
            return 2;
        }
        try {
            byte[] yaml = Files.readAllBytes(file);
            RuleSet next = RuleSet.parse(yaml, file.toString());
            JobBundle bundle = JobBundle.read(args.config);
            JobConfig config = bundle.config();
            RulesTopic topic = config.rulesTopic() == null ? null
                    : new RulesTopic(config.kafka().clientProperties(), config.rulesTopic(), config.groupId());
            List<RuleVersion> published = topic == null ? List.of() : topic.versions();
            RuleSet current = published.isEmpty() ? bundle.rules() : published.get(published.size() - 1).rules();
            var changes = RuleSetDiff.of(current, next);
            changes.forEach(c -> out.println(c));
            boolean structural = !RuleSetDiff.structural(changes).isEmpty();
            Set<String> removed = new java.util.LinkedHashSet<>();
            for (var r : current.rules()) {
                if (next.rules().stream().noneMatch(n -> n.id().equals(r.id()))) {
                    removed.add(r.id());
                }
            }
            String savepointDir = args.savepoint.contains("://") ? args.savepoint
                    : Path.of(args.savepoint).toAbsolutePath().toUri().toString();
            FlinkRestClient flink = new FlinkRestClient(args.cluster);
            String savepoint = flink.stopWithSavepoint(args.job, savepointDir, Duration.ofSeconds(args.timeout));
            out.println("patchwatch: job " + args.job + " stopped with savepoint " + savepoint);
            if (topic != null) {
                // In force from when the version it replaces was: the resubmitted job runs this
                // structure for every event, old or new, and a replay with the record does the same.
                long from = published.isEmpty() ? 0 : published.get(published.size() - 1).effectiveFrom();
                RulesTopic.Published p = topic.publish(new String(yaml, StandardCharsets.UTF_8), file.toString(), from, true);
                out.println("patchwatch: published " + file + " as " + p.version());
            }
            JobBundle resubmitted = new JobBundle(bundle.configName(), bundle.jobYaml(), yaml, bundle.inventoryCsv());
            for (String rule : removed) {
                out.println("patchwatch: rule " + rule + " is gone: its in-flight state is dropped");
            }
            for (String rule : RuleSetDiff.structural(changes)) {
                if (!removed.contains(rule) && current.rules().stream().anyMatch(r -> r.id().equals(rule))) {
                    out.println("patchwatch: rule " + rule + " changed its pattern: it starts with no in-flight state");
                }
            }
            // A CEP state of an earlier layout (a savepoint of an earlier patchwatch) cannot be read
            // by this version's CEP operators: it is left behind, once, and the operator says so.
            Set<String> earlierLayout;
            try {
                java.util.Map<String, String> cep = new java.util.LinkedHashMap<>();
                current.plan().patterns().forEach(p -> cep.put(p.uid(), p.name()));
                earlierLayout = CepStateLayouts.earlierIn(savepoint, cep);
            } catch (java.io.IOException e) {
                earlierLayout = Set.of();
                out.println("patchwatch: cannot read the savepoint's metadata here (" + e.getMessage() + "): if it was taken by a"
                        + " patchwatch before CEP state layout " + PointLookupCepOperator.STATE_LAYOUT
                        + ", resubmit with patchwatch submit --allow-non-restored-state");
            }
            for (String rule : earlierLayout) {
                out.println("patchwatch: " + rule + " keeps its CEP state in an earlier layout: its in-flight partial matches are"
                        + " dropped, once (CEP state layout " + PointLookupCepOperator.STATE_LAYOUT + ": point lookups on RocksDB)");
            }
            // A changed rule's CEP operator has a new uid: its old state, like a removed rule's, is left behind.
            String jobId = ClusterCommands.submit(flink, jar, resubmitted, null, savepoint, structural || !earlierLayout.isEmpty());
            out.println("patchwatch: resubmitted as job " + jobId + " from " + savepoint
                    + "; unchanged rules keep their state (operator uid = rule id)");
            out.println(jobId);
            return 0;
        } catch (ConfigException e) {
            e.problems().forEach(problem -> err.println("patchwatch: " + problem));
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            err.println("patchwatch: rules apply failed: " + ReplayCommand.rootMessage(e));
            return 1;
        }
    }

    static RulesTopic topic(TopicOptions where) {
        if (where.config != null) {
            JobConfig config = JobConfig.load(where.config);
            if (config.rulesTopic() == null && where.topic == null) {
                throw new ConfigException(where.config + ": rules_topic is off: the job takes no live rules");
            }
            return new RulesTopic(config.kafka().clientProperties(), where.topic != null ? where.topic : config.rulesTopic(),
                    where.job != null ? where.job : config.groupId());
        }
        if (where.bootstrap == null) {
            throw new UsageException("rules publish / history need --bootstrap HOST:PORT or --config job.yaml");
        }
        Properties client = KafkaConnection.plaintext(where.bootstrap).clientProperties();
        return new RulesTopic(client, where.topic != null ? where.topic : JobOptions.RULES_TOPIC.defaultValue(),
                where.job != null ? where.job : JobOptions.Kafka.GROUP_ID.defaultValue());
    }

    /** ISO-8601 ({@code 2026-11-10T02:30:00Z}), or {@code now} (the default). */
    static long effectiveFrom(String text) {
        if (text == null || text.equals("now")) {
            return System.currentTimeMillis();
        }
        try {
            return EventTimes.parseIso(text);
        } catch (RuntimeException e) {
            throw new ConfigException("--effective-from: '" + text + "' is not an ISO-8601 time (2026-11-10T02:30:00Z) or 'now'");
        }
    }
}
