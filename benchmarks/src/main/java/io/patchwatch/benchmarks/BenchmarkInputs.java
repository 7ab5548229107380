package io.patchwatch.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patchwatch.connectors.adapters.EventTimes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Benchmark inputs, built from the Windows sample in the connectors' test fixtures (found from the
 * project root or a module folder): the XML as it is; Winlogbeat JSON rendered from the same
 * events; canonical JSON lines of a patch night.
 */
final class BenchmarkInputs {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern PROVIDER = Pattern.compile("<Provider Name=\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("<EventID[^>]*>(\\d+)<");
    private static final Pattern TIME = Pattern.compile("SystemTime=\"([^\"]+)\"");
    private static final Pattern COMPUTER = Pattern.compile("<Computer>([^<]+)<");
    private static final Pattern NAMED = Pattern.compile("<Data Name=\"([^\"]+)\">([^<]*)</Data>");

    private BenchmarkInputs() {}

    static List<byte[]> records(String format) {
        List<String> xml = windowsSample();
        List<byte[]> out = new ArrayList<>();
        switch (format) {
            case "windows-xml" -> xml.forEach(l -> out.add(l.getBytes(StandardCharsets.UTF_8)));
            case "winlogbeat" -> xml.forEach(l -> out.add(winlogbeat(l).getBytes(StandardCharsets.UTF_8)));
            case "canonical-json" -> {
                for (int i = 0; i < 2000; i++) {
                    String kind = i % 10 == 0 ? "\"kind\":\"patch_installed\",\"kb\":\"KB5044284\",\"reboot_required\":true"
                            : i % 10 == 1 ? "\"kind\":\"service_state\",\"service\":\"Spooler\",\"state\":\"running\""
                            : "\"kind\":\"heartbeat\"";
                    out.add(("{\"ts\":\"" + EventTimes.format(1_794_276_000_000L + i * 1000L)
                            + "\",\"tenant\":\"acme\",\"site\":\"hq\",\"device\":\"SRV-" + i + "\"," + kind + "}")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            default -> throw new IllegalArgumentException(format);
        }
        return out;
    }

    /** Winlogbeat's rendering of one event line (named data only; enough for throughput). */
    private static String winlogbeat(String xmlLine) {
        ObjectNode o = MAPPER.createObjectNode();
        String time = find(TIME, xmlLine).replace(' ', 'T');
        o.put("@timestamp", time.endsWith("Z") ? time : time + "Z");
        o.putObject("host").put("name", find(COMPUTER, xmlLine));
        ObjectNode w = o.putObject("winlog");
        w.put("provider_name", find(PROVIDER, xmlLine));
        w.put("event_id", Integer.parseInt(find(ID, xmlLine)));
        w.put("computer_name", find(COMPUTER, xmlLine));
        ObjectNode data = w.putObject("event_data");
        Matcher m = NAMED.matcher(xmlLine);
        while (m.find()) {
            data.put(m.group(1), m.group(2));
        }
        if (xmlLine.contains("EventLog\"") && xmlLine.contains(">6011<")) {
            data.put("param1", "WIN-P4SIAA0SQCO");
            data.put("param2", "DESKTOP-2KGM189");
        }
        data.put("Binary", HexFormat.of().formatHex("x".getBytes(StandardCharsets.UTF_16LE)));
        return o.toString();
    }

    private static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.find() ? m.group(1) : "";
    }

    private static List<String> windowsSample() {
        for (String base : List.of(".", "..", "../..")) {
            Path p = Path.of(base, "connectors/src/test/resources/fixtures/windows/system-desktop-2kgm189.xml");
            if (Files.exists(p)) {
                try {
                    return Files.readAllLines(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("run from the project root: the Windows sample was not found");
    }
}
