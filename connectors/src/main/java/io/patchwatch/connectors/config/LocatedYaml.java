package io.patchwatch.connectors.config;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * The one YAML reader of patchwatch's config files (job.yaml, rules.yaml): the file as YAML nodes,
 * which keep their line and column, so that every error, also one found after reading (a bad
 * duration, an unknown sink key, a secret written inline), names its place. Bounded against hostile
 * files: aliases, size; duplicate keys are reported (with their place) by {@link YamlSection}.
 */
public final class LocatedYaml {
    private LocatedYaml() {}

    /** The file's root node (null for an empty file); a file that is not UTF-8 YAML is refused with its place. */
    public static Node compose(byte[] bytes, String file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        }
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setAllowDuplicateKeys(true); // reported with their place, among the other problems
        options.setCodePointLimit(4 * 1024 * 1024);
        try {
            return new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            var m = e.getProblemMark();
            throw new ConfigException(file + (m == null ? "" : ":" + (m.getLine() + 1) + ":" + (m.getColumn() + 1))
                    + ": not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
        }
    }

    /**
     * The file's top-level map as a section whose problems go to {@code problems}; an empty file or
     * one that is not a map is a problem, read as an empty section.
     */
    public static YamlSection read(byte[] bytes, ConfigProblems problems, String expected) {
        Node root = compose(bytes, problems.file());
        if (root instanceof MappingNode map) {
            return YamlSection.root(map, problems);
        }
        problems.add(root, root == null ? "empty file: expected " + expected : "expected a map of " + expected);
        return YamlSection.root(null, problems);
    }
}
