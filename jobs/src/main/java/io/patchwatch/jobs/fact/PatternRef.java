package io.patchwatch.jobs.fact;

import java.io.Serializable;
import java.util.Objects;

/**
 * Names one pattern of one rule, by the rule's id and which of its {@code patterns:} alternatives
 * (0 for a rule with one {@code pattern:}). A pending absence carries it on its deadline fact, so a
 * deadline finds its pattern by name, whatever position the rule has in the file. A Flink POJO.
 */
public final class PatternRef implements Serializable {
    private static final long serialVersionUID = 1L;

    public String rule;
    public int alternative;

    public PatternRef() {}

    public PatternRef(String rule, int alternative) {
        this.rule = rule;
        this.alternative = alternative;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PatternRef r && r.alternative == alternative && Objects.equals(r.rule, rule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rule, alternative);
    }

    @Override
    public String toString() {
        return rule + (alternative == 0 ? "" : "#" + (alternative + 1));
    }
}
