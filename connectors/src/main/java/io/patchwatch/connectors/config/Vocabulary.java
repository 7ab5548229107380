package io.patchwatch.connectors.config;

import java.util.List;
import java.util.regex.Pattern;

/** Names that several config files share (rules.yaml and job.yaml's sink routes), defined once. */
public final class Vocabulary {
    private Vocabulary() {}

    /** An alert's severities, most urgent first. */
    public static final List<String> SEVERITIES = List.of("critical", "error", "warning", "info");

    /** A rule's id: lower-case letters, digits and '-', up to 64 characters. */
    public static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

    /** A sink's name (also a metric label and part of an operator's uid). */
    public static final Pattern SINK_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
}
