package io.patchwatch.jobs.cluster;

import io.patchwatch.connectors.config.ConfigException;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.jobconfig.JobConfig;
import io.patchwatch.jobs.rules.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * job.yaml with the rules and inventory files it names, as the program arguments of the job jar.
 * The files are read on the machine that submits and travel inside the REST request, so the
 * cluster needs none of them on its disks; a secret never travels, since job.yaml only names the
 * environment variable or file that holds it (resolved on the JobManager).
 */
public record JobBundle(String configName, byte[] jobYaml, byte[] rulesYaml, byte[] inventoryCsv) {
    private static final Base64.Encoder ENCODER = Base64.getEncoder();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    /** Reads job.yaml and the files it names; errors are {@link ConfigException}s naming the file. */
    public static JobBundle read(Path jobYaml) {
        JobConfig config = JobConfig.load(jobYaml);
        return new JobBundle(jobYaml.getFileName().toString(), readAll(jobYaml),
                config.rules() == null ? null : readAll(config.rules()),
                config.inventory() == null ? null : readAll(config.inventory()));
    }

    public List<String> toProgramArgs() {
        List<String> args = new ArrayList<>(List.of("--config-name", configName, "--job-config", ENCODER.encodeToString(jobYaml)));
        if (rulesYaml != null) {
            args.addAll(List.of("--rules", ENCODER.encodeToString(rulesYaml)));
        }
        if (inventoryCsv != null) {
            args.addAll(List.of("--inventory", ENCODER.encodeToString(inventoryCsv)));
        }
        return args;
    }

    public static JobBundle fromProgramArgs(String[] args) {
        String name = "job.yaml";
        byte[] job = null;
        byte[] rules = null;
        byte[] inventory = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--config-name" -> name = args[i + 1];
                case "--job-config" -> job = DECODER.decode(args[i + 1]);
                case "--rules" -> rules = DECODER.decode(args[i + 1]);
                case "--inventory" -> inventory = DECODER.decode(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown job argument " + args[i]);
            }
        }
        if (job == null) {
            throw new IllegalArgumentException("the job needs --job-config (as patchwatch submit passes it) or --config PATH");
        }
        return new JobBundle(name, job, rules, inventory);
    }

    public JobConfig config() {
        return JobConfig.parse(jobYaml, configName, Path.of("."));
    }

    public RuleSet rules() {
        return rulesYaml == null ? RuleSet.defaults() : RuleSet.parse(rulesYaml, configName + " rules");
    }

    public Inventory inventory() {
        return inventoryCsv == null ? Inventory.empty()
                : Inventory.parse(new String(inventoryCsv, StandardCharsets.UTF_8).lines().toList(), configName + " inventory");
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
