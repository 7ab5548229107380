package io.patchwatch.connectors.adapters.windows;

import static io.patchwatch.connectors.adapters.Collected.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Collected;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class WindowsXmlAdapterTest {
    private static final String DESKTOP = "windows/system-desktop-2kgm189.xml";
    private final EventAdapter adapter = new WindowsXmlAdapter(AdapterSettings.defaults().withTenant("lab", "home"));

    @Test
    void theDesktopLogYieldsWhatItHolds() {
        Collected c = lines(adapter, DESKTOP);
        String xml = Collected.read(DESKTOP);

        assertThat(c.deadLetters).isEmpty();
        assertThat(c.countsByKind().get(EventKind.patch_installed)).isEqualTo(116).isEqualTo(count(xml, "WindowsUpdateClient", 19));
        assertThat(c.countsByKind().get(EventKind.patch_failed)).isEqualTo(5);
        assertThat(c.countsByKind().get(EventKind.patch_started)).isEqualTo(count(xml, "WindowsUpdateClient", 43));
        assertThat(c.countsByKind().get(EventKind.booted))
                .isEqualTo(count(xml, "\"EventLog\"", 6005) + count(xml, "\"EventLog\"", 6009) + count(xml, "Kernel-General", 12));
        assertThat(c.countsByKind().get(EventKind.reboot_initiated))
                .isEqualTo(count(xml, "\"EventLog\"", 6006) + count(xml, "\"User32\"", 1074));
        assertThat(c.countsByKind().get(EventKind.service_failed)).isEqualTo(count(xml, "Service Control Manager", 7000)
                + count(xml, "Service Control Manager", 7023));
        assertThat(c.events.size() + c.skipped.size()).as("every record accounted for").isEqualTo(1881);
    }

    @Test
    void failuresCarryTheirKbAndErrorCode() {
        List<DeviceEvent> failed = lines(adapter, DESKTOP).events.stream()
                .filter(e -> e.getKind() == EventKind.patch_failed).toList();

        assertThat(failed).extracting(DeviceEvent::getKb)
                .containsExactly("KB4025342", "KB4025342", "KB4025342", "KB4025342", "KB890830");
        assertThat(failed).extracting(DeviceEvent::getError)
                .containsExactly("0x80248007", "0x80248007", "0x80248007", "0x80248007", "0x80246013");
        assertThat(failed.get(0).getTs()).isEqualTo(EventTimes.parseIso("2017-07-23T07:25:41.804Z"));
        assertThat(failed.get(0).getUpdateId()).isEqualTo("25acae93-40d4-4e62-814c-efb2f29f1bca");
        assertThat(failed.get(0).getRawId()).isEqualTo("System/20/561");
        assertThat(failed.get(0).getTenant()).isEqualTo("lab");
    }

    @Test
    void theRenamedMachineStaysOneDevice() {
        Collected c = lines(adapter, DESKTOP);

        assertThat(c.events).extracting(DeviceEvent::getDevice).containsOnly("WIN-P4SIAA0SQCO");
        assertThat(c.skipped).anyMatch(s -> s.contains("rename WIN-P4SIAA0SQCO -> DESKTOP-2KGM189"));
    }

    @Test
    void serviceStatesGetTheirShortNames() {
        Collected c = lines(adapter, "windows/service-states-patchwatch.xml");

        assertThat(c.deadLetters).isEmpty();
        assertThat(c.events).extracting(e -> e.getDevice() + " " + e.getKind() + " " + e.getService() + " " + e.getState())
                .containsExactly(
                        "SRV-PRN-01 service_state Spooler stopped",
                        "SRV-PRN-01 service_state Spooler running",
                        "SRV-SQL-01 service_state MSSQLSERVER running",
                        "SRV-SQL-01 service_state SQLSERVERAGENT stopped",
                        "WEB-01 service_state W3SVC running",
                        "WEB-01 service_state MSSQL$SALES running",
                        "WEB-01 service_failed W3SVC null",
                        "WEB-01 service_state Fabrikam Backup Agent stopped");
        assertThat(c.events.get(0).getTs()).as("wevtutil style time").isEqualTo(EventTimes.parseIso("2026-11-10T02:10:01.123Z"));
        assertThat(c.events.get(6).getError()).isEqualTo("SCM 7031");
    }

    @Test
    void theRestOfTheMappingAndSkippedIds() {
        Collected c = lines(adapter, "windows/patch-retry-patchwatch.xml");

        assertThat(c.events).extracting(e -> e.getKind().name()).containsExactly(
                "patch_started", "patch_failed", "patch_started", "patch_installed", "reboot_initiated",
                "reboot_initiated", "booted", "booted", "unexpected_shutdown", "unexpected_shutdown");
        assertThat(c.events.get(4).getReason()).isEqualTo("Operating System: Service pack (Planned) (restart)");
        assertThat(c.skipped).containsExactly("Microsoft-Windows-DNS-Client 1014");
    }

    @Test
    void badXmlIsADeadLetterNotAnException() {
        Collected c = new Collected();
        for (String bad : List.of("<Event><System>", "not xml", "<Other/>",
                "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Event>&e;</Event>",
                "<Event><System><Provider Name=\"X\"/><EventID>abc</EventID><TimeCreated SystemTime=\"2026-11-10 02:00:00\"/><Computer>a</Computer></System></Event>")) {
            adapter.parse(bad.getBytes(StandardCharsets.UTF_8), "t", EventAdapter.NO_TIMESTAMP, c);
        }

        assertThat(c.events).isEmpty();
        assertThat(c.deadLetters).hasSize(5).allMatch(d -> d.startsWith("malformed: "));
    }

    @Test
    void winlogbeatJsonOfTheSameEventsGivesTheSameCanonicalEvents() {
        EventAdapter beat = new WinlogbeatAdapter(AdapterSettings.defaults().withTenant("lab", "home"));
        for (String fixture : List.of(DESKTOP, "windows/service-states-patchwatch.xml", "windows/patch-retry-patchwatch.xml")) {
            Collected fromXml = lines(adapter, fixture);
            Collected fromJson = new Collected();
            for (String line : Collected.read(fixture).lines().toList()) {
                String json = WinlogbeatSamples.toWinlogbeat(WindowsEventXml.parse(line.getBytes(StandardCharsets.UTF_8)));
                beat.parse(json.getBytes(StandardCharsets.UTF_8), fixture, EventAdapter.NO_TIMESTAMP, fromJson);
            }

            assertThat(fromJson.deadLetters).isEmpty();
            assertThat(fromJson.events).hasSameSizeAs(fromXml.events);
            for (int i = 0; i < fromXml.events.size(); i++) {
                DeviceEvent x = fromXml.events.get(i);
                DeviceEvent j = DeviceEvent.newBuilder(fromJson.events.get(i)).setSource(x.getSource()).build();
                assertThat(j).as("%s event %d", fixture, i).isEqualTo(x);
            }
        }
    }

    private static int count(String xml, String provider, int id) {
        Matcher m = Pattern.compile("Provider Name=\"[^\"]*" + Pattern.quote(provider.replace("\"", "")) + "\"[^\\n]*?<EventID[^>]*>" + id + "<").matcher(xml);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
