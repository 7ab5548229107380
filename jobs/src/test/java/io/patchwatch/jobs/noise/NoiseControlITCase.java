package io.patchwatch.jobs.noise;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.replay.Replay;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.support.Scenario;
import io.patchwatch.schemas.Alert;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FLEET.md "Noise control", clause by clause, replayed through the whole job: what is paged, when
 * ({@code paged_at}), what is held and how it ends. Each scenario has a control that pages in the
 * same run, so a hold is seen against what would have happened without it.
 */
class NoiseControlITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    private static String rules(String extra) throws Exception {
        return new String(RuleSet.class.getResourceAsStream(RuleSet.DEFAULT_RESOURCE).readAllBytes(), StandardCharsets.UTF_8) + extra;
    }

    /** {@code 02:21:00 firing reboot-hang SRV-01 paged=02:21:30 held_by=...}: when it fired, and when it was sent. */
    private static List<String> pages(List<Alert> alerts) {
        List<String> out = new ArrayList<>();
        for (Alert a : alerts) {
            var c = a.getContext();
            out.add(hms(a.getTs()) + " " + a.getStatus() + " " + a.getRule() + " " + a.getDevice()
                    + (a.getService() != null ? " service=" + a.getService() : "")
                    + (a.getStatus().name().equals("firing") && c.getPagedAt() != null ? " paged=" + hms(c.getPagedAt()) : "")
                    + (c.getHeldBy() != null ? " held_by=" + c.getHeldBy() : ""));
        }
        return out;
    }

    /** {@code 02:21:00 held reboot-hang SRV-01 by=maintenance/w} / {@code 02:30:00 closed ... reason=healed_in_maintenance}. */
    private static List<String> held(Replay.Result r) {
        List<String> out = new ArrayList<>();
        for (HeldIncident h : r.held()) {
            out.add(hms(h.ts) + " " + h.step + " " + h.rule + " " + h.device + (h.service != null ? " service=" + h.service : "")
                    + (h.step == HeldIncident.Step.held ? " by=" + h.heldBy : "") + (h.reason != null ? " reason=" + h.reason : ""));
        }
        return out;
    }

    private static String hms(long ts) {
        String s = EventTimes.format(ts);
        return s.substring(11, 19);
    }

    private static final Inventory SITES = Inventory.of(List.of(
            new DeviceInfo("acme", "HQ-01", "hq", null, null),
            new DeviceInfo("acme", "HQ-02", "hq", null, null),
            new DeviceInfo("acme", "HQ-03", "hq", null, null),
            new DeviceInfo("acme", "BR-01", "branch", null, null)));

    @Test
    void aMaintenanceWindowHoldsItsRulesAndDecidesAtItsEndPlusSettle() throws Exception {
        Replay.Result r = Scenario.of("""
                # HQ-01 hangs and comes back inside the window: nothing is sent
                02:00 HQ-01 patch_installed kb=KB1
                02:01 HQ-01 reboot_initiated
                02:30 HQ-01 booted
                # HQ-02 never comes back: paged once at end + settle, its ts still the firing
                02:00 HQ-02 patch_installed kb=KB1
                02:01 HQ-02 reboot_initiated
                # HQ-03 was paged before the window opened at 02:30: its resolve is sent when it happens
                01:40 HQ-03 patch_installed kb=KB1
                01:41 HQ-03 reboot_initiated
                03:00 HQ-03 booted
                # BR-01 (control): outside the window's match, pages after group_wait
                02:00 BR-01 patch_installed kb=KB1
                02:01 BR-01 reboot_initiated
                02:30 BR-01 booted
                05:00 BR-01 service_state service=Spooler state=running
                """).rules(rules("""
                maintenance:
                  - name: hq-night
                    match: {tenant: acme, site: hq}
                    start: 2026-11-10T02:10:00Z
                    end: 2026-11-10T04:00:00Z
                    settle: 5m
                """)).inventory(SITES).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:01:00 firing reboot-hang HQ-03 paged=02:01:30",
                "02:21:00 firing reboot-hang BR-01 paged=02:21:30",
                "02:21:00 firing reboot-hang HQ-02 paged=04:05:00 held_by=maintenance/hq-night",
                "02:30:00 resolved reboot-hang BR-01",
                "03:00:00 resolved reboot-hang HQ-03");
        assertThat(r.alerts()).filteredOn(a -> a.getDevice().equals("HQ-02")).singleElement().satisfies(a -> {
            assertThat(a.getMessage()).endsWith("(still broken at the end of maintenance window hq-night)");
            assertThat(a.getContext().getMaintenance()).isEqualTo("hq-night");
        });
        assertThat(held(r)).containsExactly(
                "02:21:00 held reboot-hang HQ-01 by=maintenance/hq-night",
                "02:21:00 held reboot-hang HQ-02 by=maintenance/hq-night",
                "02:30:00 closed reboot-hang HQ-01 reason=healed_in_maintenance",
                "04:05:00 paged reboot-hang HQ-02");
    }

    @Test
    void aDeviceThatNeverCameBackIsOnePageNotTwo() throws Exception {
        StringBuilder events = new StringBuilder();
        for (String device : List.of("MON-01", "MON-02")) {
            for (int m = 0; m <= 5; m++) {
                events.append(String.format("02:%02d %s heartbeat%n", m, device));
            }
            events.append("02:00 ").append(device).append(" patch_installed kb=KB1\n");
            events.append("02:05 ").append(device).append(" reboot_initiated\n");
        }
        // MON-02 comes back at 02:40 but never logs its boot: its reboot-hang pages settle after its offline resolved.
        events.append("02:40 MON-02 heartbeat\n");
        // UNMON-01 (control) sends no heartbeat, so it is never offline: its reboot-hang pages at once.
        events.append("02:00 UNMON-01 patch_installed kb=KB1\n02:05 UNMON-01 reboot_initiated\n");
        events.append("02:48 MON-02 heartbeat\n02:56 MON-02 heartbeat\n03:00 MON-02 heartbeat\n");
        Replay.Result r = Scenario.of(events.toString()).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:15:00 firing offline-after-patch MON-01 paged=02:15:30",
                "02:15:00 firing offline-after-patch MON-02 paged=02:15:30",
                "02:25:00 firing reboot-hang MON-02 paged=02:45:00 held_by=offline-after-patch",
                "02:25:00 firing reboot-hang UNMON-01 paged=02:25:30",
                "02:40:00 resolved offline-after-patch MON-02");
        assertThat(held(r)).containsExactly(
                "02:25:00 held reboot-hang MON-01 by=offline-after-patch",
                "02:25:00 held reboot-hang MON-02 by=offline-after-patch",
                "02:45:00 paged reboot-hang MON-02");
    }

    @Test
    void aSiteOutageIsOnePageAndWhatIsStillBrokenAfterSettlePagesOneByOne() throws Exception {
        List<DeviceInfo> inventory = new ArrayList<>();
        StringBuilder events = new StringBuilder();
        // site "branch": 6 of 10 devices lose the uplink at 02:05 (threshold max(5, 20 % of 10) = 5)
        // site "lab": 4 of 10 go silent (under the threshold): each pages on its own
        for (String site : List.of("branch", "lab")) {
            for (int i = 1; i <= 10; i++) {
                String device = site.toUpperCase() + "-" + i;
                inventory.add(new DeviceInfo("acme", device, site, null, null));
                boolean silent = i <= (site.equals("branch") ? 6 : 4);
                for (int m = 0; m <= (silent ? 5 : 50); m += 1) {
                    events.append(String.format("02:%02d %s heartbeat site=%s%n", m, device, site));
                }
                events.append("02:00 ").append(device).append(" patch_installed kb=KB5044284 site=").append(site).append('\n');
            }
        }
        // BRANCH-6 rebooted just before the uplink went and never booted: after the outage and settle, its reboot-hang pages.
        events.append("02:04 BRANCH-6 reboot_initiated site=branch\n");
        // The uplink is back at 02:40 for branch.
        for (int i = 1; i <= 6; i++) {
            for (int m = 40; m <= 55; m += 5) {
                events.append("02:").append(m).append(" BRANCH-").append(i).append(" heartbeat site=branch\n");
            }
        }
        events.append("02:55 BRANCH-7 heartbeat site=branch\n");
        Replay.Result r = Scenario.of(events.toString()).inventory(Inventory.of(inventory)).replay();

        List<String> pages = pages(r.alerts());
        assertThat(pages).filteredOn(p -> p.contains(" site-outage site:")).containsExactly(
                "02:15:00 firing site-outage site:branch paged=02:15:00",
                "02:40:00 resolved site-outage site:branch");
        assertThat(pages).filteredOn(p -> p.contains("LAB-")).as("under the threshold: each device pages").hasSize(4);
        assertThat(pages).filteredOn(p -> p.contains("BRANCH-")).as("the outage explains the offline devices; a device back"
                + " but never booted still pages its reboot-hang, settle after the outage").containsExactly(
                "02:24:00 firing reboot-hang BRANCH-6 paged=02:45:00 held_by=site-outage/site:branch");
        Alert outage = r.alerts().get(pages.indexOf("02:15:00 firing site-outage site:branch paged=02:15:00"));
        assertThat(outage.getContext().getCount()).isEqualTo(5);
        assertThat(outage.getContext().getPercent()).isEqualTo(50.0);
        assertThat(outage.getContext().getKbCounts()).containsEntry("KB5044284", 5);
        assertThat(outage.getMessage()).contains("Site branch (acme): 5 of 10 monitored devices went silent within 5m (50.0 %)");
        assertThat(r.alerts()).filteredOn(a -> a.getRule().equals("site-outage") && a.getStatus().name().equals("resolved"))
                .singleElement().satisfies(a -> assertThat(a.getContext().getCount()).as("the peak").isEqualTo(6));
        assertThat(held(r)).filteredOn(h -> h.contains("closed")).hasSize(6)
                .allSatisfy(h -> assertThat(h).contains("offline-after-patch").endsWith("reason=explained_by_site_outage"));
    }

    @Test
    void subjectsOfOneRuleOnOneDeviceWithinGroupWaitPageOnce() throws Exception {
        Inventory sql = Inventory.of(List.of(new DeviceInfo("acme", "SQL-01", "hq", "sql", null),
                new DeviceInfo("acme", "SQL-02", "hq", "sql", null)));
        Replay.Result r = Scenario.of("""
                02:00 SQL-01 patch_installed kb=KB1
                02:05 SQL-01 booted
                02:30 SQL-01 service_state service=MSSQLSERVER state=running
                02:40 SQL-01 service_state service=SQLSERVERAGENT state=running
                # SQL-02 (control): the agent fails at once, the engine is missing 8 minutes later: two pages
                02:00 SQL-02 patch_installed kb=KB1
                02:05 SQL-02 booted
                02:07 SQL-02 service_failed service=SQLSERVERAGENT error=7031
                02:50 SQL-02 service_state service=MSSQLSERVER state=running
                02:50 SQL-02 service_state service=SQLSERVERAGENT state=running
                """).inventory(sql).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:07:00 firing service-down-after-reboot SQL-02 service=SQLSERVERAGENT paged=02:07:30",
                "02:15:00 firing service-down-after-reboot SQL-01 service=MSSQLSERVER paged=02:15:30",
                "02:15:00 firing service-down-after-reboot SQL-02 service=MSSQLSERVER paged=02:15:30",
                "02:40:00 resolved service-down-after-reboot SQL-01 service=MSSQLSERVER",
                "02:50:00 resolved service-down-after-reboot SQL-02 service=MSSQLSERVER",
                "02:50:00 resolved service-down-after-reboot SQL-02 service=SQLSERVERAGENT");
        Alert grouped = r.alerts().get(1);
        assertThat(grouped.getContext().getSubjects()).containsExactly("MSSQLSERVER", "SQLSERVERAGENT");
        assertThat(grouped.getContext().getSubjectCount()).isEqualTo(2);
        assertThat(grouped.getMessage()).contains("(and 1 more: SQLSERVERAGENT)");
        assertThat(r.alerts().get(3).getDedupKey()).as("the grouped page resolves when its last subject has").isEqualTo(grouped.getDedupKey());
    }

    @Test
    void theThirdFiringWithinAnHourPagesAsFlappingAndItEndsAfterQuiet() throws Exception {
        Replay.Result r = Scenario.of("""
                02:00 FLAP-01 patch_failed kb=KB1 error=0x80070005
                02:05 FLAP-01 patch_installed kb=KB1
                02:10 FLAP-01 patch_failed kb=KB1 error=0x80070005
                02:15 FLAP-01 patch_installed kb=KB1
                02:20 FLAP-01 patch_failed kb=KB1 error=0x80070005
                02:25 FLAP-01 patch_installed kb=KB1
                02:30 FLAP-01 patch_failed kb=KB1 error=0x80070005
                02:35 FLAP-01 patch_installed kb=KB1
                # the control: two failures in an hour are no flapping
                02:00 CALM-01 patch_failed kb=KB1 error=0x80070005
                02:05 CALM-01 patch_installed kb=KB1
                02:10 CALM-01 patch_failed kb=KB1 error=0x80070005
                02:15 CALM-01 patch_installed kb=KB1
                03:30 CALM-01 heartbeat
                """).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:00:00 firing patch-failed CALM-01 paged=02:00:30",
                "02:00:00 firing patch-failed FLAP-01 paged=02:00:30",
                "02:05:00 resolved patch-failed CALM-01",
                "02:05:00 resolved patch-failed FLAP-01",
                "02:10:00 firing patch-failed CALM-01 paged=02:10:30",
                "02:10:00 firing patch-failed FLAP-01 paged=02:10:30",
                "02:15:00 resolved patch-failed CALM-01",
                "02:15:00 resolved patch-failed FLAP-01",
                "02:20:00 firing flapping FLAP-01 paged=02:20:00",
                "03:05:00 resolved flapping FLAP-01");
        assertThat(r.alerts()).filteredOn(a -> a.getRule().equals("flapping")).first()
                .satisfies(a -> assertThat(a.getContext().getCount()).isEqualTo(3));
        assertThat(held(r)).containsExactly(
                "02:20:00 held patch-failed FLAP-01 by=flapping",
                "02:25:00 closed patch-failed FLAP-01 reason=flapping",
                "02:30:00 held patch-failed FLAP-01 by=flapping",
                "02:35:00 closed patch-failed FLAP-01 reason=flapping");
    }

    @Test
    void holdForHoldsAFiringThatLongAndClosesOneThatEndsFirst() throws Exception {
        Replay.Result r = Scenario.of("""
                02:00 SHORT-01 patch_installed kb=KB1
                02:01 SHORT-01 reboot_initiated
                02:25 SHORT-01 booted
                02:00 LONG-01 patch_installed kb=KB1
                02:01 LONG-01 reboot_initiated
                02:40 LONG-01 booted
                """).rules(rules("""
                  - match: {tenant: acme}
                    rules:
                      reboot-hang: {hold_for: 10m}
                """)).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:21:00 firing reboot-hang LONG-01 paged=02:31:00 held_by=hold_for",
                "02:40:00 resolved reboot-hang LONG-01 held_by=hold_for");
        assertThat(held(r)).containsExactly(
                "02:21:00 held reboot-hang LONG-01 by=hold_for",
                "02:21:00 held reboot-hang SHORT-01 by=hold_for",
                "02:25:00 closed reboot-hang SHORT-01 reason=shorter_than_hold_for",
                "02:31:00 paged reboot-hang LONG-01");
    }

    @Test
    void aDeadCollectorPagesOnceAndWhatIsStillDownAfterItReturnsPagesAfterSettle() throws Exception {
        List<DeviceInfo> inventory = new ArrayList<>();
        StringBuilder events = new StringBuilder();
        // Site lab: 6 of 10 devices are heard only through the ping collector's feed, which dies at
        // 02:05 and comes back at 02:30; PING-6 stays down. 6 silent devices would be a site outage
        // (threshold 5), but the feed explains them first.
        for (int i = 1; i <= 10; i++) {
            inventory.add(new DeviceInfo("acme", "PING-" + i, "lab", null, null));
        }
        for (int i = 1; i <= 6; i++) {
            for (int m = 0; m <= 5; m++) {
                events.append(String.format("02:%02d PING-%d heartbeat site=lab @pings%n", m, i));
            }
            events.append("02:00 PING-").append(i).append(" patch_installed kb=KB1 site=lab @rmm\n");
            if (i <= 5) {
                for (int m = 30; m <= 50; m += 5) {
                    events.append(String.format("02:%02d PING-%d heartbeat site=lab @pings%n", m, i));
                }
            }
        }
        // RMM-1 (control): heard through the RMM's feed, which lives on; it goes down for real.
        inventory.add(new DeviceInfo("acme", "RMM-1", "hq", null, null));
        for (int m = 0; m <= 5; m++) {
            events.append(String.format("02:%02d RMM-1 heartbeat site=hq @rmm%n", m));
        }
        events.append("02:00 RMM-1 patch_installed kb=KB1 site=hq @rmm\n");
        for (int m = 0; m <= 50; m++) {
            events.append(String.format("02:%02d CLOCK-1 heartbeat site=hq @rmm%n", m));
        }
        Replay.Result r = Scenario.of(events.toString()).inventory(Inventory.of(inventory)).replay();

        assertThat(pages(r.alerts())).containsExactly(
                "02:10:00 firing feed-silent feed:pings paged=02:10:00",
                "02:15:00 firing offline-after-patch PING-6 paged=02:35:00 held_by=feed-silent/pings",
                "02:15:00 firing offline-after-patch RMM-1 paged=02:15:30",
                "02:30:00 resolved feed-silent feed:pings");
        assertThat(r.alerts().get(1).getContext().getParent()).isEqualTo(r.alerts().get(0).getDedupKey());
        List<String> held = held(r);
        assertThat(held).filteredOn(h -> h.contains(" held ")).hasSize(6).allSatisfy(h -> assertThat(h).endsWith("by=feed-silent/pings"));
        assertThat(held).filteredOn(h -> h.contains(" closed ")).hasSize(5)
                .allSatisfy(h -> assertThat(h).startsWith("02:30:00").endsWith("reason=explained_by_feed_silence"));
        assertThat(held).contains("02:35:00 paged offline-after-patch PING-6");
    }
}
