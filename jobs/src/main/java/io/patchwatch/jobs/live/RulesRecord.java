package io.patchwatch.jobs.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * A record of the rules topic, as {@code patchwatch rules publish} writes it (key: the job's name;
 * the topic is compacted, so the newest record is what stays):
 *
 * <pre>{@code
 * {"job": "patchwatch", "version": 3, "effective_from": "2026-11-10T02:30:00Z", "hash": "sha256:...",
 *  "published_at": "...", "rules": "<the rules file>",
 *  "previous": [{"version": 2, "effective_from": "...", "hash": "...", "rules": "..."}, ...]}
 * }</pre>
 *
 * The record carries the versions before it (up to {@link RuleVersions#KEEP}), so a job that starts
 * or a replay that reads only the newest record can still decide about the past with the version
 * in force then.
 */
public final class RulesRecord {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A rules file is small; a record this large is not one. */
    public static final int MAX_BYTES = 4 << 20;

    private RulesRecord() {}

    /** The record of {@code current}, carrying {@code previous} (oldest first) behind it. */
    public static String encode(String job, RuleVersion current, List<RuleVersion> previous, long publishedAt) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("job", job);
        put(o, current);
        o.put("published_at", EventTimes.format(publishedAt));
        ArrayNode prev = o.putArray("previous");
        int from = Math.max(0, previous.size() - (RuleVersions.KEEP - 1));
        for (RuleVersion v : previous.subList(from, previous.size())) {
            if (v.version() > 0) {
                put(prev.addObject(), v);
            }
        }
        return o.toString();
    }

    private static void put(ObjectNode o, RuleVersion v) {
        o.put("version", v.version());
        o.put("effective_from", EventTimes.format(v.effectiveFrom()));
        o.put("hash", v.hash());
        o.put("rules", v.yaml());
    }

    /**
     * The versions of a record, oldest first, each validated like {@code rules validate}.
     *
     * @throws ConfigException naming what is wrong: not JSON, a field missing or of the wrong type,
     *     a hash that is not the text's, a rules file that does not validate
     */
    public static List<RuleVersion> decode(String json) {
        if (json == null || json.isBlank()) {
            throw new ConfigException("rules record: empty (a tombstone: the rules in force stay)");
        }
        if (json.length() > MAX_BYTES) {
            throw new ConfigException("rules record: " + json.length() + " characters, more than " + MAX_BYTES);
        }
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (Exception e) {
            throw new ConfigException("rules record: not JSON: " + firstLine(e.getMessage()));
        }
        if (o == null || !o.isObject()) {
            throw new ConfigException("rules record: not a JSON object");
        }
        List<RuleVersion> out = new ArrayList<>();
        JsonNode prev = o.path("previous");
        if (!prev.isMissingNode() && !prev.isArray()) {
            throw new ConfigException("rules record: 'previous' is not a list");
        }
        for (JsonNode p : prev) {
            out.add(version(p));
        }
        out.add(version(o));
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i).version() <= out.get(i - 1).version()) {
                throw new ConfigException("rules record: versions are not increasing (" + out.get(i - 1).version()
                        + " then " + out.get(i).version() + ")");
            }
        }
        return out;
    }

    private static RuleVersion version(JsonNode o) {
        JsonNode version = o.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1) {
            throw new ConfigException("rules record: 'version' must be a whole number from 1");
        }
        int n = version.asInt();
        String hash = text(o, "hash", n);
        String yaml = text(o, "rules", n);
        long effectiveFrom;
        try {
            effectiveFrom = EventTimes.parseIso(text(o, "effective_from", n));
        } catch (RuntimeException e) {
            throw new ConfigException("rules record, version " + n + ": 'effective_from' is not an ISO-8601 time");
        }
        if (!hash.equals(RuleVersion.hashOf(yaml))) {
            throw new ConfigException("rules record, version " + n + ": 'hash' is not the hash of its rules");
        }
        try {
            return RuleVersion.of(n, effectiveFrom, yaml, "rules version " + n);
        } catch (ConfigException e) {
            throw new ConfigException("rules record, version " + n + " does not validate: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String field, int version) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new ConfigException("rules record, version " + version + ": '" + field + "' is missing or not text");
        }
        return v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
