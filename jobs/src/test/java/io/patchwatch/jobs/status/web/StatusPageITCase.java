package io.patchwatch.jobs.status.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.jobs.status.DeviceStatusView;
import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.jobs.status.StatusChange;
import io.patchwatch.jobs.status.StatusTopic;
import io.patchwatch.testkit.browser.HeadlessChromium;
import io.patchwatch.jobs.support.StatusNight;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import io.patchwatch.testkit.PatchwatchMiniCluster;
import io.patchwatch.testkit.kafka.KafkaBrokerExtension;
import io.patchwatch.testkit.kafka.KafkaTestClients;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The status page in headless Chromium, fed live from the status topic a job wrote for a known
 * night: the summary counts are the night's, a filter narrows the table, a device named with markup
 * is shown as text (and runs nothing), a change on the topic appears on the open page within 2 s.
 * A screenshot of the summary is kept in target/status-page.png.
 */
class StatusPageITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = PatchwatchMiniCluster.extension();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final String MARKUP = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";

    @Test
    void thePageShowsTheNightAndFollowsTheTopic() throws Exception {
        String topic = "device-status-" + UUID.randomUUID().toString().substring(0, 8);
        Properties client = StatusNight.runJob(KAFKA, topic).kafka().clientProperties();
        // A device whose name is markup, as another tool may report it.
        send(topic, status("acme", MARKUP, PatchState.healthy));
        // Two records that are no status (another writer): counted on the page, never a blank page.
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            KafkaTestClients.send(p, topic, null, "acme/junk-1".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));
            KafkaTestClients.send(p, topic, null, "acme/junk-2".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xc3, 1, 2});
        }

        FleetStatus fleet = new FleetStatus();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> StatusTopic.follow(client, topic, fleet, stop::get), "status-topic");
        reader.start();
        try (StatusServer server = StatusServer.start(fleet, new InetSocketAddress("127.0.0.1", 0));
             HeadlessChromium chromium = HeadlessChromium.start();
             HeadlessChromium.Page page = chromium.open("http://127.0.0.1:" + server.address().getPort() + "/")) {
            // 1. The summary: the night's five devices (RETIRED-1 forgotten) and the markup one.
            page.await("document.querySelector('#totals .tile .n') && document.querySelector('#totals .tile .n').textContent",
                    v -> v.asText().equals("6"), Duration.ofSeconds(30));
            assertThat(count(page, "offline")).isEqualTo(1);
            assertThat(count(page, "failed")).isEqualTo(1);
            assertThat(count(page, "service_down")).isEqualTo(1);
            assertThat(count(page, "pending_reboot")).isEqualTo(1);
            assertThat(count(page, "healthy")).isEqualTo(2);
            // The night's devices name no site; the markup one is at hq: two rows of tenant, site and ring.
            assertThat(page.eval("document.querySelectorAll('#summary tbody tr').length").asInt()).isEqualTo(2);
            assertThat(page.eval("document.getElementById('unreadable').hidden").asBoolean()).isFalse();
            assertThat(page.eval("document.getElementById('unreadable').textContent").asText()).isEqualTo("2 unreadable records");
            page.screenshot(Path.of("target", "status-page.png"));

            // 2. The device named with markup: text in its cell, nothing of it ran, no element of it exists.
            JsonNode cells = page.eval("[...document.querySelectorAll('#devices tbody tr td:first-child')].map(td => td.textContent)");
            assertThat(cells.toString()).contains("GONE-1", "OK-1");
            assertThat(page.eval("[...document.querySelectorAll('#devices tbody td')].some(td => td.textContent === "
                    + quote(MARKUP) + ")").asBoolean()).isTrue();
            assertThat(page.eval("typeof window.pwned").asText()).isEqualTo("undefined");
            assertThat(page.eval("document.querySelectorAll('#devices img, #devices script').length").asInt()).isZero();

            // 3. A filter narrows the table: failed is FAIL-1 alone.
            page.eval("(() => { const s = document.getElementById('f-state'); s.value = 'failed';"
                    + " s.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
            JsonNode rows = page.await("[...document.querySelectorAll('#devices tbody tr td:first-child')].map(td => td.textContent)",
                    v -> v.size() == 1, Duration.ofSeconds(10));
            assertThat(rows.get(0).asText()).isEqualTo("FAIL-1");
            // Its night: a click opens the device's timeline.
            page.eval("document.querySelector('#devices tbody tr').click(), true");
            JsonNode steps = page.await("[...document.querySelectorAll('#timeline li')].map(li => li.textContent)",
                    v -> v.size() > 0, Duration.ofSeconds(10));
            assertThat(steps.toString()).contains("install failed: KB2: 0x80070002");

            // 4. Live: a device that goes offline on the topic is on the open page within 2 s.
            page.eval("(() => { const s = document.getElementById('f-state'); s.value = '';"
                    + " s.dispatchEvent(new Event('input', {bubbles: true})); return true; })()");
            page.await("document.querySelectorAll('#devices tbody tr').length", v -> v.asInt() == 6, Duration.ofSeconds(10));
            send(topic, status("acme", "LATE-1", PatchState.offline));
            page.await("document.getElementById('total-offline').querySelector('.n').textContent",
                    v -> v.asText().equals("2"), Duration.ofSeconds(2));
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
    }

    private static int count(HeadlessChromium.Page page, String state) throws Exception {
        return Integer.parseInt(page.eval("document.getElementById('total-" + state + "').querySelector('.n').textContent").asText());
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static DeviceStatus status(String tenant, String device, PatchState state) {
        DeviceStatus s = DeviceStatusView.create(tenant + "/" + device.toLowerCase(java.util.Locale.ROOT), "hq", null,
                System.currentTimeMillis());
        s.setDevice(device);
        s.setState(state);
        s.setOnline(state != PatchState.offline);
        return s;
    }

    private static void send(String topic, DeviceStatus s) {
        var record = StatusTopic.record(new StatusChange(s.getTenant() + "/" + s.getDevice().toLowerCase(java.util.Locale.ROOT), s));
        try (KafkaProducer<byte[], byte[]> p = KafkaTestClients.producer(KAFKA.bootstrapServers())) {
            KafkaTestClients.send(p, topic, null, record.key.getBytes(StandardCharsets.UTF_8), record.value);
        }
    }
}
