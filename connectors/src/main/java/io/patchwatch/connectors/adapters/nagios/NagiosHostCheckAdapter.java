package io.patchwatch.connectors.adapters.nagios;

import com.fasterxml.jackson.databind.JsonNode;
import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.RecordAdapter;
import io.patchwatch.connectors.adapters.JsonFields;
import io.patchwatch.connectors.adapters.JsonObjectAdapter;
import io.patchwatch.connectors.text.SafeText;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Nagios (or Naemon, Icinga 1) host check results, as {@code ping} events. A record is either a line
 * of Nagios' host performance data file with its default template
 *
 * <pre>[HOSTPERFDATA]\t$TIMET$\t$HOSTNAME$\t$HOSTEXECUTIONTIME$\t$HOSTOUTPUT$\t$HOSTPERFDATA$</pre>
 *
 * or a JSON object {@code {"host":"SRV-01","ts":"...","output":"PING OK - Packet loss = 0%, ...|rta=..."}}.
 * check_ping / check_icmp: reachable unless the packet loss is 100 %; other host checks: OK and
 * WARNING are up, CRITICAL is down. UNKNOWN says nothing about the host and is skipped; service
 * perfdata lines too.
 */
public final class NagiosHostCheckAdapter extends RecordAdapter {
    private static final long serialVersionUID = 1L;
    public static final String NAME = "nagios";

    public NagiosHostCheckAdapter(AdapterSettings settings) {
        super(NAME, settings);
    }

    @Override
    protected void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out) {
        String text = new String(payload, StandardCharsets.UTF_8);
        String host;
        long ts;
        String output;
        if (text.startsWith("[SERVICEPERFDATA]")) {
            out.skipped("service check result");
            return;
        } else if (text.startsWith("[HOSTPERFDATA]")) {
            String[] f = text.split("\t", -1);
            if (f.length < 5) {
                out.deadLetter(DeadLetterReason.MALFORMED, null, "a HOSTPERFDATA line needs 6 tab-separated fields, found " + f.length);
                return;
            }
            try {
                ts = Math.multiplyExact(Long.parseLong(f[1].strip()), 1000L);
            } catch (NumberFormatException | ArithmeticException e) {
                out.deadLetter(DeadLetterReason.INVALID_VALUE, "ts", "TIMET is not epoch seconds: " + SafeText.quote(f[1]));
                return;
            }
            host = f[2];
            output = f[4] + (f.length > 5 && !f[5].isBlank() ? "|" + f[5] : "");
        } else if (text.stripLeading().startsWith("{")) {
            JsonNode o;
            try {
                o = JsonObjectAdapter.readTree(payload);
            } catch (IOException e) {
                out.deadLetter(DeadLetterReason.MALFORMED, null, "not valid JSON");
                return;
            }
            if (o == null || !o.isObject()) {
                out.deadLetter(DeadLetterReason.MALFORMED, null, "expected a JSON object");
                return;
            }
            host = o.path("host").isTextual() ? o.path("host").textValue() : null;
            output = o.path("output").isTextual() ? o.path("output").textValue() : null;
            if (host == null || output == null) {
                out.deadLetter(DeadLetterReason.MISSING_FIELD, host == null ? "host" : "output",
                        "a Nagios check result needs 'host' and 'output' strings");
                return;
            }
            try {
                ts = JsonFields.time(o, "ts", recordTimestamp);
            } catch (IllegalArgumentException e) {
                out.deadLetter(DeadLetterReason.INVALID_VALUE, "ts", e.getMessage());
                return;
            }
            if (ts == NO_TIMESTAMP) {
                out.deadLetter(DeadLetterReason.MISSING_FIELD, "ts", "no 'ts' and no record time");
                return;
            }
        } else {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "neither a [HOSTPERFDATA] line nor a JSON check result");
            return;
        }
        PluginOutput check = PluginOutput.parse(output);
        Double loss = check.packetLossPct();
        boolean ok;
        if (loss != null) {
            ok = loss < 100;
        } else if (check.status() == null) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "output", "plugin output states no status: " + SafeText.quote(check.text()));
            return;
        } else if (check.status().equals("UNKNOWN")) {
            out.skipped("UNKNOWN host check");
            return;
        } else {
            ok = !check.status().equals("CRITICAL");
        }
        out.event(DeviceEvent.newBuilder()
                .setTs(ts)
                .setTenant(settings.tenant())
                .setSite(settings.site())
                .setDevice(HostNames.device(host))
                .setKind(EventKind.ping)
                .setOk(ok)
                .setLossPct(loss)
                .setRttMs(check.rtaMs())
                .setSource("nagios")
                .build());
    }
}
