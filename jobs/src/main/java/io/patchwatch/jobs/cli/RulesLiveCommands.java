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

    static int publish(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("bootstrap", "config", "effective-from", "topic", "job"), Set.of(), Set.of());
        if (args.positional().size() != 1) {
            throw new Args.UsageException("rules publish needs one rules file: patchwatch rules publish RULES --bootstrap HOST:PORT [--effective-from TIME]");
        }
        Path file = Path.of(args.positional().get(0));
        try {
            RulesTopic topic = topic(args);
            long effectiveFrom = effectiveFrom(args.get("effective-from"));
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
    static int history(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("bootstrap", "config", "topic", "job", "out"), Set.of(), Set.of());
        try {
            RulesTopic topic = topic(args);
            var record = topic.latest();
            if (record.isEmpty()) {
                err.println("patchwatch: no rules version published for this job");
                return 1;
            }
            if (args.get("out") != null) {
                Files.writeString(Path.of(args.get("out")), record.get() + "\n", StandardCharsets.UTF_8);
            } else {
                out.println(record.get());
            }
            for (RuleVersion v : io.patchwatch.jobs.live.RulesRecord.decode(record.get())) {
                err.println("patchwatch: " + v);
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

    static int apply(String[] argv, PrintStream out, PrintStream err) {
        Args args = Args.parse(argv, 1, Set.of("cluster", "job", "config", "savepoint", "jar", "timeout"), Set.of(), Set.of());
        if (args.positional().size() != 1) {
            throw new Args.UsageException("rules apply needs one rules file: patchwatch rules apply RULES --cluster URL --job ID --config job.yaml --savepoint DIR");
        }
        for (String option : List.of("cluster", "job", "config", "savepoint")) {
            if (args.get(option) == null) {
                throw new Args.UsageException("rules apply needs --" + option);
            }
        }
        Path file = Path.of(args.positional().get(0));
        Path jar = ClusterCommands.jobJar(args);
        if (jar == null) {
            err.println("patchwatch: no job jar" + ClusterCommands.NO_JAR_HINT);
            return 2;
        }
        try {
            byte[] yaml = Files.readAllBytes(file);
            RuleSet next = RuleSet.parse(yaml, file.toString());
            JobBundle bundle = JobBundle.read(Path.of(args.get("config")));
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
            String savepointDir = args.get("savepoint").contains("://") ? args.get("savepoint")
                    : Path.of(args.get("savepoint")).toAbsolutePath().toUri().toString();
            FlinkRestClient flink = new FlinkRestClient(args.get("cluster"));
            String savepoint = flink.stopWithSavepoint(args.get("job"), savepointDir, Duration.ofSeconds(args.intValue("timeout", 300)));
            out.println("patchwatch: job " + args.get("job") + " stopped with savepoint " + savepoint);
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

    static RulesTopic topic(Args args) {
        if (args.get("config") != null) {
            JobConfig config = JobConfig.load(Path.of(args.get("config")));
            if (config.rulesTopic() == null && args.get("topic") == null) {
                throw new ConfigException(args.get("config") + ": rules_topic is off: the job takes no live rules");
            }
            return new RulesTopic(config.kafka().clientProperties(), args.get("topic", config.rulesTopic()),
                    args.get("job", config.groupId()));
        }
        if (args.get("bootstrap") == null) {
            throw new Args.UsageException("rules publish / history need --bootstrap HOST:PORT or --config job.yaml");
        }
        Properties client = KafkaConnection.plaintext(args.get("bootstrap")).clientProperties();
        return new RulesTopic(client, args.get("topic", "patchwatch-rules"), args.get("job", "patchwatch"));
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
