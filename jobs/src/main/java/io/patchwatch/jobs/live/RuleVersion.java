package io.patchwatch.jobs.live;

import io.patchwatch.jobs.rules.RuleSet;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One published version of a rules file: its number, the event time it is in force from, the hash
 * of its text, the text itself and the rule set parsed from it. Versions are what {@code rules
 * publish} writes to the rules topic and what the running job applies (see {@link RuleVersions}).
 *
 * @param version increasing per job, from 1
 * @param effectiveFrom event time (epoch ms) from which decisions use this version
 * @param hash {@code sha256:} of the file's bytes: the same text is the same version
 */
public record RuleVersion(int version, long effectiveFrom, String hash, String yaml, RuleSet rules) implements Serializable {

    /** Parses and validates {@code yaml} (every error in one {@link io.patchwatch.connectors.config.ConfigException}). */
    public static RuleVersion of(int version, long effectiveFrom, String yaml, String origin) {
        return new RuleVersion(version, effectiveFrom, hashOf(yaml), yaml,
                RuleSet.parse(yaml.getBytes(StandardCharsets.UTF_8), origin));
    }

    /** The rules a job runs with when no version was published: version 0, in force from the start. */
    public static RuleVersion unpublished(RuleSet rules) {
        return new RuleVersion(0, Long.MIN_VALUE, "", "", rules);
    }

    public static String hashOf(String yaml) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(yaml.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "rules version " + version + " (" + (hash.length() > 19 ? hash.substring(0, 19) : hash) + ", in force from "
                + (effectiveFrom == Long.MIN_VALUE ? "the start" : java.time.Instant.ofEpochMilli(effectiveFrom)) + ")";
    }
}
