package io.patchwatch.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every released version of a schema (committed under
 * {@code src/main/resources/io/patchwatch/schemas/released/NAME/vN.avsc}: on the classpath, readers
 * decode records of every released version with them)
 * must stay readable by the current schema: consumers upgraded first must still decode what older
 * producers wrote, and Flink state written by an older job must still restore.
 */
class SchemaCompatibilityTest {

    static Stream<Path> releasedSchemas() throws IOException, URISyntaxException {
        Path root = Paths.get(SchemaCompatibilityTest.class.getResource("/io/patchwatch/schemas/released").toURI());
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> p.toString().endsWith(".avsc")).sorted().forEach(files::add);
        }
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("releasedSchemas")
    void currentSchemaReadsEveryReleasedVersion(Path released) throws IOException {
        String name = released.getParent().getFileName().toString();
        Schema current = currentSchema(name);
        Schema old = new Schema.Parser().parse(released.toFile());

        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);

        assertThat(result.getType())
                .as("%s.avsc can no longer read %s: %s", name, released, result.getResult())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void everyCurrentSchemaHasAReleasedVersion() throws Exception {
        for (String name : List.of("DeviceEvent", "Alert", "DeadLetter", "DeviceStatus")) {
            assertThat(releasedSchemas().map(p -> p.getParent().getFileName().toString()))
                    .as("released versions of %s", name)
                    .contains(name);
        }
    }

    /** The check itself must catch a breaking edit, or the test above proves nothing. */
    @Test
    void aRequiredFieldWithoutDefaultIsReportedAsBreaking() throws IOException {
        Schema old = currentSchema("DeviceEvent");
        String json = old.toString().replaceFirst(
                "\\{\"name\":\"raw_id\"",
                "{\"name\":\"operator\",\"type\":\"string\"},{\"name\":\"raw_id\"");
        Schema broken = new Schema.Parser().parse(json);

        var result = SchemaCompatibility.checkReaderWriterCompatibility(broken, old);

        assertThat(result.getType()).isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void generatedClassesUseTheCommittedSchemas() throws IOException {
        // Parsing canonical form: the generator adds Java-only properties (avro.java.string).
        assertThat(fingerprint(DeviceEvent.getClassSchema())).isEqualTo(fingerprint(currentSchema("DeviceEvent")));
        assertThat(fingerprint(Alert.getClassSchema())).isEqualTo(fingerprint(currentSchema("Alert")));
        assertThat(fingerprint(DeadLetter.getClassSchema())).isEqualTo(fingerprint(currentSchema("DeadLetter")));
    }

    private static long fingerprint(Schema s) {
        return SchemaNormalization.parsingFingerprint64(s);
    }

    private static Schema currentSchema(String name) throws IOException {
        Path file = Paths.get("src/main/avro", name + ".avsc");
        try (InputStream in = Files.newInputStream(file)) {
            return new Schema.Parser().parse(in);
        }
    }
}
