package io.patchwatch.connectors.sinks.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class CefFormatTest {
    private static final CefFormat CEF = new CefFormat("0.1.0");

    private static Alert alert(String device, String message, AlertStatus status, String severity) {
        return Alert.newBuilder().setRule("offline-after-patch").setStatus(status).setTs(1_762_740_000_000L)
                .setSeverity(severity).setTenant("acme").setSite("hq").setDevice(device)
                .setKbs(List.of("KB5044284", "KB890830")).setService(null).setMessage(message)
                .setContext(AlertContext.newBuilder().build())
                .setDedupKey("acme/" + device + "/offline-after-patch/1762740000000/1").build();
    }

    @Test
    void everyFieldReadsBackAsWritten() {
        Alert a = alert("SRV-SQL-01", "SRV-SQL-01 is offline following a scheduled patch installation (KB5044284)",
                AlertStatus.firing, "critical");

        CefParser.Event e = CefParser.parse(CEF.format(a));

        assertThat(e.header()).containsExactly("0", "patchwatch", "patchwatch", "0.1.0", "offline-after-patch",
                a.getMessage(), "10");
        assertThat(e.extensions())
                .containsEntry("rt", "1762740000000")
                .containsEntry("act", "firing")
                .containsEntry("dvchost", "SRV-SQL-01")
                .containsEntry("externalId", a.getDedupKey())
                .containsEntry("cs1Label", "tenant").containsEntry("cs1", "acme")
                .containsEntry("cs3Label", "kbs").containsEntry("cs3", "KB5044284,KB890830")
                .doesNotContainKey("cs4");
    }

    @Test
    void pipesBackslashesEqualsAndLineBreaksCannotForgeFields() {
        String device = "EVIL|10|x=1 \\ host";
        String message = "a|b\\c=d\nsuser=admin\r\nend";
        Alert a = alert(device, message, AlertStatus.firing, "warning");

        String line = CEF.format(a);
        CefParser.Event e = CefParser.parse(line);

        assertThat(line).doesNotContain("\n").doesNotContain("\r");
        assertThat(e.header()).hasSize(7);
        assertThat(e.header().get(5)).as("the name keeps its | and \\; a line break becomes a space")
                .isEqualTo("a|b\\c=d suser=admin  end");
        assertThat(e.header().get(6)).isEqualTo("5");
        assertThat(e.extensions().get("dvchost")).isEqualTo(device);
        assertThat(e.extensions().get("msg")).isEqualTo(message);
        assertThat(e.extensions()).as("no forged key").doesNotContainKey("suser").doesNotContainKey("x");
    }

    @Test
    void severityIsCefScaleAndAResolveIsZero() {
        assertThat(CefFormat.severity(alert("A", "m", AlertStatus.firing, "critical"))).isEqualTo(10);
        assertThat(CefFormat.severity(alert("A", "m", AlertStatus.firing, "error"))).isEqualTo(7);
        assertThat(CefFormat.severity(alert("A", "m", AlertStatus.firing, "warning"))).isEqualTo(5);
        assertThat(CefFormat.severity(alert("A", "m", AlertStatus.firing, "info"))).isEqualTo(3);
        Alert resolved = alert("A", "m", AlertStatus.resolved, "critical");
        assertThat(CefParser.parse(CEF.format(resolved)).header().get(6)).isEqualTo("0");
        assertThat(CefParser.parse(CEF.format(resolved)).extensions()).containsEntry("act", "resolved");
    }

    @Test
    void noControlCharacterOrLineSeparatorReachesACefOrLeefLineRaw() {
        String hostile = "X\u001b[2J\u0000\u0085\u2028\u2029\u007f\u202eY";
        Alert a = alert(hostile, "msg " + hostile, AlertStatus.firing, "warning");
        for (String line : List.of(CEF.format(a), new LeefFormat("0.1.0").format(a))) {
            // LEEF separates its attributes with tabs; nothing else below U+0020 may appear.
            assertThat(line.replace("\t", "").chars().filter(c -> io.patchwatch.connectors.text.SafeText.isUnsafe((char) c)))
                    .as(line).isEmpty();
            assertThat(line).contains("X [2J");
        }
    }

    @Test
    void noiseControlsContextIsLabelledAndCannotForgeFields() {
        Alert a = Alert.newBuilder(alert("SRV-01", "m", AlertStatus.firing, "critical"))
                .setContext(AlertContext.newBuilder().setPagedAt(1_762_740_030_000L).setHeldBy("maintenance/x=1 suser=admin")
                        .setMaintenance("night\nact=resolved").setParent("acme/site:hq/site-outage/1").setSubjects(List.of("A", "B")).build())
                .build();

        CefParser.Event e = CefParser.parse(CEF.format(a));

        assertThat(e.extensions())
                .containsEntry("cs5Label", "held_by").containsEntry("cs5", "maintenance/x=1 suser=admin")
                .containsEntry("cs6Label", "maintenance").containsEntry("cs6", "night\nact=resolved")
                .containsEntry("flexString1Label", "parent").containsEntry("flexString1", "acme/site:hq/site-outage/1")
                .containsEntry("flexString2", "A,B")
                .containsEntry("deviceCustomDate1Label", "paged_at").containsEntry("deviceCustomDate1", "1762740030000")
                .containsEntry("act", "firing")
                .doesNotContainKey("suser");
    }
}
