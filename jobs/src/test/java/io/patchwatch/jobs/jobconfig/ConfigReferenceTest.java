package io.patchwatch.jobs.jobconfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README's configuration reference is what the typed options say today. */
class ConfigReferenceTest {

    @Test
    void theReadmesReferenceIsGeneratedFromTheOptions() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(ConfigReference.updated(readme))
                .as("README.md's configuration reference is stale: run bin/patchwatch config reference --update README.md")
                .isEqualTo(readme);
    }

    @Test
    void everyOptionOfJobYamlIsInTheReferenceWithItsDefault() {
        String md = ConfigReference.markdown();
        for (JobOptions.Section s : JobOptions.SECTIONS) {
            s.options().forEach(o -> assertThat(md).contains("| `" + o.key()));
        }
        assertThat(md).contains("| `idleness` | duration | `30s` |", "| `wall_clock_floor` | duration or off | `1m` |",
                "| `routing_key_env / routing_key_file` | secret (_env or _file) | (required) |",
                "**`type: syslog`: ");
    }
}
