package io.patchwatch.jobs.incident;

import static io.patchwatch.jobs.support.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.jobs.inventory.Inventory;
import io.patchwatch.jobs.rules.RuleSet;
import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.jobs.fact.PatternRef;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertStatus;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IncidentManagerTest {
    private static final String KEY = "acme/srv-01";
    private KeyedTwoInputStreamOperatorTestHarness<String, Trigger, DeviceFact, Alert> harness;

    private void open(long clockStop) throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new IncidentManager(RuleSet.defaults(), Inventory.empty(), clockStop),
                t -> t.key(), f -> f.key, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    @Test
    void firesOnceResolvesWithTheSameKeyAndCountsEpisodes() throws Exception {
        open(Long.MAX_VALUE);
        trigger("offline-after-patch", "02:15", null);
        trigger("offline-after-patch", "02:16", null); // still firing: a duplicate
        fact(FactKind.DEVICE_BACK, "02:30", null);
        trigger("offline-after-patch", "02:50", null);
        harness.processBothWatermarks(new Watermark(at("03:00")));

        List<Alert> alerts = harness.extractOutputValues();
        assertThat(alerts).extracting(Alert::getStatus)
                .containsExactly(AlertStatus.firing, AlertStatus.resolved, AlertStatus.firing);
        assertThat(alerts.get(0).getDedupKey()).isEqualTo("acme/SRV-01/offline-after-patch/" + at("02:00") + "/1");
        assertThat(alerts.get(1).getDedupKey()).isEqualTo(alerts.get(0).getDedupKey());
        assertThat(alerts.get(1).getTs()).isEqualTo(at("02:30"));
        assertThat(alerts.get(2).getDedupKey()).endsWith("/2");
        assertThat(alerts.get(0).getMessage()).isEqualTo("SRV-01 is offline following a scheduled patch installation (KB5044284)");
        assertThat(alerts.get(0).getContext().getSilentForS()).isEqualTo(600L);
    }

    @Test
    void aResolveThatArrivesBeforeItsLateTriggerStillResolves() throws Exception {
        open(Long.MAX_VALUE);
        // The running service (02:21) reaches the incidents before the rule's timeout (02:20) does.
        fact(FactKind.SERVICE_STATE, "02:21", "Spooler");
        trigger("service-down-after-reboot", "02:20", "Spooler");
        harness.processBothWatermarks(new Watermark(at("02:30")));

        assertThat(harness.extractOutputValues()).extracting(Alert::getStatus, Alert::getTs)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(AlertStatus.firing, at("02:20")),
                        org.assertj.core.groups.Tuple.tuple(AlertStatus.resolved, at("02:21")));
    }

    @Test
    void onlyTheMatchingServiceResolves() throws Exception {
        open(Long.MAX_VALUE);
        trigger("service-down-after-reboot", "02:20", "Spooler");
        trigger("service-down-after-reboot", "02:20", "W3SVC");
        fact(FactKind.SERVICE_STATE, "02:25", "spooler");
        harness.processBothWatermarks(new Watermark(at("02:30")));

        List<Alert> alerts = harness.extractOutputValues();
        assertThat(alerts).hasSize(3);
        assertThat(alerts.get(2).getStatus()).isEqualTo(AlertStatus.resolved);
        assertThat(alerts.get(2).getService()).isEqualTo("Spooler");
    }

    @Test
    void nothingIsEmittedAfterTheClockStops() throws Exception {
        open(at("02:25"));
        trigger("offline-after-patch", "02:15", null);
        fact(FactKind.DEVICE_BACK, "02:30", null);
        trigger("reboot-hang", "02:40", null);
        harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

        assertThat(harness.extractOutputValues()).extracting(Alert::getStatus).containsExactly(AlertStatus.firing);
    }

    @Test
    void resolvedIncidentsAreForgottenAfterTheRetention() throws Exception {
        open(Long.MAX_VALUE);
        trigger("offline-after-patch", "02:15", null);
        fact(FactKind.DEVICE_BACK, "02:30", null);
        harness.processBothWatermarks(new Watermark(at("03:00")));
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);

        long later = at("02:30") + RuleSet.defaults().plan().longestHorizonMs();
        harness.processBothWatermarks(new Watermark(later));

        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void aRepeatedOneShotTriggerIsADuplicateButANewOneIsAnEpisode() throws Exception {
        open(Long.MAX_VALUE);
        trigger("unexpected-shutdown-after-patch", "02:15", null);
        trigger("unexpected-shutdown-after-patch", "02:15", null);
        trigger("unexpected-shutdown-after-patch", "02:45", null);
        harness.processBothWatermarks(new Watermark(at("03:00")));

        assertThat(harness.extractOutputValues()).extracting(Alert::getDedupKey)
                .containsExactly(
                        "acme/SRV-01/unexpected-shutdown-after-patch/" + at("02:00") + "/1",
                        "acme/SRV-01/unexpected-shutdown-after-patch/" + at("02:00") + "/2");
    }

    private void trigger(String rule, String hhmm, String service) throws Exception {
        DeviceFact f = new DeviceFact();
        f.key = KEY;
        f.tenant = "acme";
        f.site = "hq";
        f.device = "SRV-01";
        f.sessionStart = at("02:00");
        f.kbs = new String[] {"KB5044284"};
        f.lastSeen = at(hhmm) - 600_000;
        f.service = service;
        // The silence rule's fact says how long the device had been silent (N).
        f.silentForS = rule.equals("offline-after-patch") ? 600 : DeviceFact.NONE;
        Trigger t = new Trigger(new PatternRef(rule, 0), at(hhmm), f);
        t.subject = service;
        harness.processElement1(t, t.ts);
    }

    private void fact(FactKind kind, String hhmm, String service) throws Exception {
        DeviceFact f = new DeviceFact();
        f.key = KEY;
        f.tenant = "acme";
        f.device = "SRV-01";
        f.kind = kind;
        f.ts = at(hhmm);
        f.service = service;
        f.state = kind == FactKind.SERVICE_STATE ? "running" : null;
        harness.processElement2(f, f.ts);
    }
}
