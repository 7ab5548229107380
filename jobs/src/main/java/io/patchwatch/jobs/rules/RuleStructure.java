package io.patchwatch.jobs.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Everything about a rule that its compiled CEP patterns and its incidents are made of (steps, kinds,
 * subject, resolve; never a parameter's value): what {@code rules diff} calls structural, and what
 * names its CEP operators' uids.
 */
final class RuleStructure {
    private RuleStructure() {}

    static String of(RuleDefinition r) {
        StringBuilder sb = new StringBuilder();
        sb.append("subject ").append(r.subject.name().toLowerCase(Locale.ROOT));
        if (r.forEachCritical) {
            sb.append(" for_each critical_service");
        }
        if (r.oneShot) {
            sb.append(" one_shot");
        }
        for (List<Step> steps : r.patterns) {
            sb.append(" [");
            for (Step s : steps) {
                sb.append(s.absence() ? "not" : s.name()).append(' ').append(s.condition());
                if (s.times() > 1) {
                    sb.append(" times ").append(s.times());
                }
                if (s.within() != null) {
                    // A parameter's value is live; a literal window is part of the pattern.
                    sb.append(" within ").append(s.within().param() != null ? "${" + s.within().param() + "}" : s.within());
                }
                sb.append("; ");
            }
            sb.append(']');
        }
        sb.append(" resolve ").append(r.resolve == null ? "never" : r.resolve.toString());
        return sb.toString();
    }

    /** The first 8 hex digits of the structure's SHA-256. */
    static String hash(String structure) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(structure.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
