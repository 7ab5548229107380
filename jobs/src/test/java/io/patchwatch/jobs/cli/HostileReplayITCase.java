package io.patchwatch.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records among good ones, format by format, through {@code patchwatch replay} as a user
 * runs it: each run exits 0, accounts for every record, dead-letters exactly the bad ones, raises
 * only the alerts of the good ones, and writes no raw control character and no line over 1 MiB.
 */
class HostileReplayITCase {
    /** Two days ago: inside every time limit, whatever day the test runs. */
    private static final Instant T0 = Instant.now().minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    private static final long TIMET = T0.getEpochSecond();

    @TempDir
    Path dir;

    @Test
    void canonicalJson() throws Exception {
        Input in = new Input();
        for (int m = 0; m < 40; m++) {
            in.good(canonical(m, "SRV-01", "heartbeat", ""));
            in.good(canonical(m, "SRV-02", "heartbeat", ""));
        }
        in.good(canonical(5, "SRV-01", "patch_installed", ",\"kb\":\"KB5044284\""));
        in.good(canonical(5, "SRV-02", "patch_installed", ",\"kb\":\"KB5044284\""));
        for (int m = 40; m < 60; m++) {
            in.good(canonical(m, "SRV-02", "heartbeat", "")); // SRV-02 lives on; SRV-01 goes silent at 00:49
        }
        // The same host with its clock in 2099, four times: the clock stop must not move.
        for (int i = 0; i < 4; i++) {
            in.bad("{\"ts\":\"2099-01-01T00:0" + i + ":00Z\",\"tenant\":\"acme\",\"device\":\"SRV-02\",\"kind\":\"heartbeat\"}");
        }
        in.bad("{\"ts\":\"+999999999-01-01T00:00:00Z\",\"device\":\"SRV-02\",\"kind\":\"heartbeat\"}");
        in.bad("{\"ts\":18446744073709551616,\"device\":\"SRV-02\",\"kind\":\"heartbeat\"}");
        in.bad("{\"ts\":0,\"device\":\"SRV-02\",\"kind\":\"heartbeat\"}");
        in.bad(canonicalRaw(10, "SRV-\\ud800X", "heartbeat", ""));
        in.bad(canonicalRaw(10, "SRV-\\u001b[2J", "heartbeat", ""));
        in.bad(canonical(10, "SRV-02", "heartbeat", "").replace("\"tenant\":\"acme\"", "\"tenant\":\"acme/evil\""));
        in.bad(canonical(10, "SRV-02", "heartbeat", "") + canonical(11, "SRV-09", "heartbeat", ""));
        in.bad(canonical(10, "SRV-02", "patch_installed", ",\"kb\":\"KB1234567\",\"title\":\"" + "x".repeat(5000) + "\""));
        in.bad(canonical(10, "SRV-02", "heartbeat", ",\"pad\":\"" + "y".repeat(1_100_000) + "\""));
        in.bad("[1,2,3]");
        in.badBytes(("{\"ts\":\"" + at(10) + "\",\"device\":\"CAF\u00C9\",\"kind\":\"heartbeat\"}").getBytes(StandardCharsets.ISO_8859_1));
        // Full-width, FQDN and zero-width spellings of SRV-02 are SRV-02: no separate, silent device.
        in.good(canonicalRaw(50, "ＳＲＶ－０２", "heartbeat", ""));
        in.good(canonicalRaw(51, "srv-02.corp.example.com", "heartbeat", ""));
        in.good(canonicalRaw(52, "SRV\\u200b-02", "heartbeat", ""));

        Run r = replay("canonical-json", in.lines());

        r.assertAccountedFor(in, 0);
        assertThat(r.alerts()).containsExactly("offline-after-patch firing SRV-01");
        assertThat(r.deadLetterReasons()).contains("ts_in_future", "ts_too_old", "invalid_value", "malformed", "too_large");
    }

    @Test
    void rmmJson() throws Exception {
        Input in = new Input();
        in.good(rmm(0, "SRV-01", "\"kb\":\"KB5044284\",\"status\":\"failed\",\"error\":\"0x80070643\\u001b[31m\""));
        in.bad(rmm(1, "SRV-01", "\"kb\":\"KB5044284\",\"status\":\"failed\"").replace("\"device\"", "\"tenant\":\"acme/evil\",\"device\""));
        in.bad("{\"type\":\"" + "z".repeat(990_000) + "\",\"ts\":\"" + at(1) + "\",\"device\":\"SRV-01\"}");
        in.bad("{\"type\":\"service_inventory\",\"ts\":\"" + at(1) + "\",\"device\":\"SRV-01\",\"services\":\"Spooler\"}");
        in.bad("{\"type\":\"patch_result\",\"ts\":18446744073709551616,\"device\":\"SRV-01\",\"kb\":\"KB1\",\"status\":\"installed\"}");
        in.bad(rmm(1, "SRV\\u0000-01", "\"kb\":\"KB5044284\",\"status\":\"installed\""));
        StringBuilder many = new StringBuilder("{\"type\":\"service_inventory\",\"ts\":\"" + at(1) + "\",\"device\":\"SRV-01\",\"services\":[");
        for (int i = 0; i <= io.patchwatch.connectors.adapters.ValidatedAdapter.MAX_EVENTS_PER_RECORD; i++) {
            many.append(i == 0 ? "" : ",").append("{\"name\":\"Svc").append(i).append("\",\"status\":\"running\"}");
        }
        in.bad(many + "]}");

        Run r = replay("rmm-json", in.lines());

        r.assertAccountedFor(in, 0);
        assertThat(r.alerts()).containsExactly("patch-failed firing SRV-01");
        assertThat(r.alertLines).allSatisfy(l -> assertThat(l).contains("0x80070643 [31m"));
    }

    @Test
    void winlogbeat() throws Exception {
        Input in = new Input();
        in.good(winlogbeat(at(0), "SRV-01.corp.example.com", 20));
        in.bad(winlogbeat(at(1), "SRV-\\ud800X", 20));
        in.bad(winlogbeat("2099-01-01T00:00:00Z", "SRV-01", 19));
        in.bad(winlogbeat(at(1), "SRV-01", 19) + winlogbeat(at(2), "SRV-01", 19));
        in.bad(winlogbeat("+999999999-01-01T00:00:00Z", "SRV-01", 19));
        in.skipped(winlogbeat(at(3), "SRV-01", 7040));

        Run r = replay("winlogbeat", in.lines());

        r.assertAccountedFor(in, 1);
        assertThat(r.alerts()).containsExactly("patch-failed firing SRV-01");
    }

    @Test
    void windowsXml() throws Exception {
        Input in = new Input();
        in.good(xml("WIN-01", "Microsoft-Windows-WindowsUpdateClient", 20, at(0),
                "<Data Name=\"errorCode\">0x80248007</Data><Data Name=\"updateTitle\">Security Update (KB5044284)</Data>"));
        in.bad("<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + xml("&x;", "EventLog", 6005, at(1), ""));
        in.bad("<!DOCTYPE e [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                + xml("&b;", "EventLog", 6005, at(1), ""));
        in.bad(xml("WIN-01", "EventLog", 6005, "+999999999-11-10T00:00:00Z", ""));
        in.bad(xml("WIN-01", "EventLog", 6005, at(1), "").replace("</Event>", ""));
        // A 6011 about another machine would hand that machine's events to WIN-01.
        in.bad(xml("WIN-01", "EventLog", 6011, at(2), "<Data>SRV-SQL-01</Data><Data>WIN-01</Data>".replace("WIN-01</Data>", "OTHER</Data>")));

        Run r = replay("windows-xml", in.lines());

        r.assertAccountedFor(in, 0);
        assertThat(r.alerts()).containsExactly("patch-failed firing WIN-01");
        assertThat(String.join("\n", r.files())).doesNotContain("root:");
    }

    @Test
    void nagios() throws Exception {
        Input in = new Input();
        String host = "[HOSTPERFDATA]\t" + TIMET + "\tSRV-01\t0.1\t";
        in.good(host + "PING OK - Packet loss = 0%, RTA = 0.30 ms\trta=0.3ms;100;500;0 pl=0%;20;60;0");
        in.good(host + "PING OK - x\trta=.ms pl=-%");
        in.good(host + "PING OK - x\t" + "a=".repeat(400_000));
        in.bad("[HOSTPERFDATA]\t99999999999999999\tSRV-01\t0.1\tPING OK\tpl=0%");
        in.bad("{\"host\":\"SRV-01\",\"output\":\"PING OK|pl=0%\",\"ts\":1e300}");
        in.bad(host + "PING OK - x\tpl=150%");
        in.bad("[HOSTPERFDATA]\t" + TIMET + "\tSRV\u001b-01\t0.1\tPING OK\tpl=0%");
        in.skipped("[SERVICEPERFDATA]\t" + TIMET + "\tSRV-01\tdisk");

        Run r = replay("nagios", in.lines());

        r.assertAccountedFor(in, 1);
        assertThat(r.alerts()).isEmpty();
    }

    @Test
    void pingOutputAndAvroLines() throws Exception {
        Input ping = new Input();
        ping.good("PING srv-01 (10.0.0.1) 56(84) bytes of data.\n\n--- srv-01 ping statistics ---\n"
                + "3 packets transmitted, 3 received, 0% packet loss, time 2003ms\nrtt min/avg/max/mdev = 0.1/0.2/0.3/0.1 ms");
        ping.bad("PING x\n" + "1".repeat(500_000) + " packets transmitted");
        ping.bad(":".repeat(400_000));
        ping.bad("--- \u001b[2J ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss");
        Path pingFile = dir.resolve("ping.txt");
        Files.writeString(pingFile, String.join("\n=====\n", ping.lines()));
        Run r = run("ping", pingFile);
        r.assertAccountedFor(ping, 0);

        Input avro = new Input();
        avro.good(base64(DeviceEvent.newBuilder().setTs(T0.toEpochMilli()).setDevice("SRV-01").setKind(EventKind.heartbeat).build()));
        avro.bad(base64(DeviceEvent.newBuilder().setTs(T0.toEpochMilli()).setTenant("acme/evil").setDevice("SRV-01")
                .setKind(EventKind.heartbeat).build()));
        avro.bad("not base64 at all \u00e9");
        avro.bad(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3}));
        Run a = replay("avro", avro.lines());
        a.assertAccountedFor(avro, 0);
    }

    @Test
    void icingaAndTactical() throws Exception {
        Input icinga = new Input();
        icinga.good("{\"results\":[{\"type\":\"Host\",\"attrs\":{\"name\":\"srv-01\",\"state\":0,\"last_check\":" + TIMET + ".5}}]}");
        icinga.bad("{\"results\":{\"type\":\"Host\"}}");
        icinga.bad("{\"results\":[{\"type\":\"Host\",\"attrs\":{\"name\":\"srv/01\",\"state\":0,\"last_check\":" + TIMET + "}}]}");
        Path icingaFile = dir.resolve("icinga.json");
        Files.writeString(icingaFile, String.join("\n=====\n", icinga.lines()));
        run("icinga2", icingaFile).assertAccountedFor(icinga, 0);

        Input tactical = new Input();
        tactical.good("{\"hostname\":\"SRV-01\",\"services\":[{\"name\":\"Spooler\",\"status\":\"running\"}]}");
        tactical.bad("{\"hostname\":\"SRV-01\",\"services\":{\"name\":\"Spooler\"}}");
        tactical.bad("{\"hostname\":\"SRV-01\",\"services\":[{\"name\":\"Spooler\",\"status\":\"running\"}]}{\"x\":1}");
        Path tacticalFile = dir.resolve("tactical.json");
        Files.writeString(tacticalFile, String.join("\n=====\n", tactical.lines()));
        // Tactical payloads carry no time: the file's, two days ago.
        Files.setLastModifiedTime(tacticalFile, java.nio.file.attribute.FileTime.from(T0));
        run("tactical-rmm", tacticalFile).assertAccountedFor(tactical, 0);
    }

    // ---------------------------------------------------------------------------------------------

    /** The records of one input file, each marked good, bad (a dead letter) or skipped. */
    private static final class Input {
        final List<byte[]> records = new ArrayList<>();
        int good;
        int bad;
        int skipped;

        void good(String line) {
            records.add(line.getBytes(StandardCharsets.UTF_8));
            good++;
        }

        void bad(String line) {
            badBytes(line.getBytes(StandardCharsets.UTF_8));
        }

        void badBytes(byte[] line) {
            records.add(line);
            bad++;
        }

        void skipped(String line) {
            records.add(line.getBytes(StandardCharsets.UTF_8));
            skipped++;
        }

        List<String> lines() {
            return records.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
        }
    }

    private final class Run {
        final int code;
        final String err;
        final List<String> alertLines;
        final List<String> deadLines;

        Run(int code, String err, Path alerts, Path dead) throws Exception {
            this.code = code;
            this.err = err;
            this.alertLines = Files.exists(alerts) ? Files.readAllLines(alerts) : List.of();
            this.deadLines = Files.exists(dead) ? Files.readAllLines(dead) : List.of();
        }

        List<String> alerts() {
            return alertLines.stream().map(l -> field(l, "rule") + " " + field(l, "status") + " " + field(l, "device")).toList();
        }

        List<String> deadLetterReasons() {
            return deadLines.stream().map(l -> field(l, "reason")).distinct().toList();
        }

        List<String> files() {
            List<String> all = new ArrayList<>(alertLines);
            all.addAll(deadLines);
            all.add(err);
            return all;
        }

        void assertAccountedFor(Input in, int skippedExpected) {
            assertThat(code).as(err).isZero();
            Matcher m = Pattern.compile("replayed (\\d+) records: (\\d+) accepted, (\\d+) skipped .*?, (\\d+) dead letters").matcher(err);
            assertThat(m.find()).as(err).isTrue();
            long records = Long.parseLong(m.group(1));
            long accepted = Long.parseLong(m.group(2));
            long skipped = Long.parseLong(m.group(3));
            long dead = Long.parseLong(m.group(4));
            assertThat(records).as(err).isEqualTo(in.records.size());
            assertThat(accepted + skipped + dead).as("every record accounted for").isEqualTo(records);
            assertThat(dead).as(err).isEqualTo(in.bad);
            assertThat(deadLines).hasSize(in.bad);
            assertThat(skipped).isEqualTo(skippedExpected);
            assertThat(accepted).isEqualTo(in.good);
            for (String text : files()) {
                assertThat(text.length()).isLessThan(1024 * 1024);
                // JSON escapes what it embeds; stderr neutralises: no raw control character anywhere.
                assertThat(text.chars().filter(c -> c != '\n' && io.patchwatch.connectors.text.SafeText.isUnsafe((char) c)))
                        .as("raw control characters").isEmpty();
            }
        }
    }

    private Run replay(String format, List<String> lines) throws Exception {
        Path file = dir.resolve(format + ".in");
        try (var out = Files.newOutputStream(file)) {
            for (String l : lines) {
                out.write(l.getBytes(StandardCharsets.ISO_8859_1));
                out.write('\n');
            }
        }
        return run(format, file);
    }

    private Run run(String format, Path file) throws Exception {
        Path alerts = dir.resolve(format + ".alerts.jsonl");
        Path dead = dir.resolve(format + ".dead.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // --sort: the hostile records are written where they do most harm, not in time order.
        int code = PatchwatchCli.run(new String[] {"replay", "--sort", "--format", format, "--events", file.toString(),
                "--out", alerts.toString(), "--dead-letters", dead.toString(), "--tenant", "acme", "--parallelism", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, err.toString(StandardCharsets.UTF_8), alerts, dead);
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    private static String at(int minute) {
        return EventTimes.format(T0.plus(Duration.ofMinutes(minute)).toEpochMilli());
    }

    private static String canonical(int minute, String device, String kind, String extra) {
        return canonicalRaw(minute, device, kind, extra);
    }

    /** {@code device} is written into the JSON as it is (escapes included). */
    private static String canonicalRaw(int minute, String device, String kind, String extra) {
        return "{\"ts\":\"" + at(minute) + "\",\"tenant\":\"acme\",\"device\":\"" + device + "\",\"kind\":\"" + kind + "\"" + extra + "}";
    }

    private static String rmm(int minute, String device, String fields) {
        return "{\"type\":\"patch_result\",\"ts\":\"" + at(minute) + "\",\"device\":\"" + device + "\"," + fields + "}";
    }

    private static String winlogbeat(String ts, String host, int id) {
        return "{\"@timestamp\":\"" + ts + "\",\"host\":{\"name\":\"" + host + "\"},\"winlog\":{\"provider_name\":"
                + "\"Microsoft-Windows-WindowsUpdateClient\",\"event_id\":" + id + ",\"event_data\":{\"updateTitle\":"
                + "\"Security Update (KB5044284)\",\"errorCode\":\"0x80248007\",\"updateGuid\":\"{1}\"}}}";
    }

    private static String xml(String computer, String provider, int id, String ts, String data) {
        return "<Event><System><Provider Name=\"" + provider + "\"/><EventID>" + id + "</EventID><TimeCreated SystemTime=\"" + ts
                + "\"/><Computer>" + computer + "</Computer></System><EventData>" + data + "</EventData></Event>";
    }

    private static String base64(DeviceEvent e) throws Exception {
        java.nio.ByteBuffer b = DeviceEvent.getEncoder().encode(e);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
