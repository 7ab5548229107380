package io.patchwatch.jobs.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patchwatch.connectors.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code patchwatch maintenance add|remove}: windows edited in the file's text, the rest of it untouched. */
class MaintenanceEditsTest {
    private static String builtIn() throws Exception {
        return new String(RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8);
    }

    private static MaintenanceEdits.NewWindow oneOff(String name) {
        return new MaintenanceEdits.NewWindow(name, Map.of("tenant", "acme"), "2026-11-11T01:00:00Z", "2026-11-11T05:00:00Z",
                null, null, null, null, List.of("reboot-hang"), "10m");
    }

    private static RuleSet parse(String text) {
        return RuleSet.parse(text.getBytes(StandardCharsets.UTF_8), "rules.yaml");
    }

    @Test
    void addingAndRemovingWindowsKeepsEveryOtherLineAndComment() throws Exception {
        String original = builtIn() + "\n# the end of the file\n";
        String one = MaintenanceEdits.add(original, oneOff("first"), "rules.yaml");
        String two = MaintenanceEdits.add(one, new MaintenanceEdits.NewWindow("weekly", Map.of("tenant", "globex", "site", "hq"), null, null,
                "WED 01:00", "4h", "Europe/Berlin", "mute", null, null), "rules.yaml");

        assertThat(parse(two).maintenance()).extracting(MaintenanceWindow::name).containsExactly("first", "weekly");
        assertThat(parse(two).maintenance().get(0).settleMs()).isEqualTo(600_000);
        assertThat(parse(two).maintenance().get(1).mode()).isEqualTo(MaintenanceWindow.Mode.MUTE);
        assertThat(two).startsWith(builtIn()).contains("# the end of the file");

        String back = MaintenanceEdits.remove(MaintenanceEdits.remove(two, "first", "rules.yaml"), "weekly", "rules.yaml");
        assertThat(parse(back).maintenance()).isEmpty();
        assertThat(back).startsWith(builtIn()).contains("# the end of the file");
    }

    @Test
    void whatTheUserTypesStaysOneValue() throws Exception {
        String text = MaintenanceEdits.add(builtIn(), new MaintenanceEdits.NewWindow("odd", Map.of("site", "hq\", tenant: \"x"),
                "2026-11-11T01:00:00Z", "2026-11-11T05:00:00Z", null, null, null, null, null, null), "rules.yaml");
        assertThat(parse(text).maintenance().get(0).match().site()).isEqualTo("hq\", tenant: \"x");
        assertThat(parse(text).maintenance().get(0).match().tenant()).isNull();
    }

    @Test
    void anEditThatWouldBreakTheFileIsRefusedWithTheReason() throws Exception {
        String text = MaintenanceEdits.add(builtIn(), oneOff("night"), "rules.yaml");
        assertThatThrownBy(() -> MaintenanceEdits.add(text, oneOff("night"), "rules.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'night' exists already");
        assertThatThrownBy(() -> MaintenanceEdits.add(text, new MaintenanceEdits.NewWindow("bad", Map.of("tenant", "acme"), null, null,
                "FUNDAY 01:00", "4h", "Europe/Berlin", null, null, null), "rules.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'FUNDAY' is not MON..SUN");
        assertThatThrownBy(() -> MaintenanceEdits.remove(text, "nope", "rules.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no maintenance window named 'nope'");
    }
}
