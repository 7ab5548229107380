package io.patchwatch.jobs.demo;

import io.patchwatch.connectors.adapters.EventTimes;
import io.patchwatch.connectors.adapters.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The events of a {@link FleetPlan}'s night as canonical JSON lines, in time order, generated one
 * simulated minute at a time so that memory holds only the current minute.
 */
public final class FleetEvents implements Iterator<RawRecord> {
    private static final long MINUTE = 60_000L;

    private final FleetPlan plan;
    private final List<List<Timed>> specials;
    private final long end;
    private long minute;
    private final List<Timed> batch = new ArrayList<>();
    private int next;
    private long sequence;

    private record Timed(long ts, String json, String feed) {
        Timed(long ts, String json) {
            this(ts, json, FleetPlan.RMM_FEED);
        }
    }

    public FleetEvents(FleetPlan plan) {
        this.plan = plan;
        this.end = plan.end();
        this.minute = FleetPlan.NIGHT.toEpochMilli();
        this.specials = new ArrayList<>();
        for (FleetPlan.Device d : plan.devices()) {
            specials.add(scripted(d));
        }
    }

    /** How many events the night has (for a bounded source), by generating it once. */
    public static long count(FleetPlan plan) {
        FleetEvents e = new FleetEvents(plan);
        long n = 0;
        while (e.hasNext()) {
            e.next();
            n++;
        }
        return n;
    }

    @Override
    public boolean hasNext() {
        while (next >= batch.size()) {
            if (minute >= end) {
                return false;
            }
            fillMinute();
        }
        return true;
    }

    @Override
    public RawRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Timed t = batch.get(next++);
        return new RawRecord(t.feed + ":" + (++sequence), t.json.getBytes(StandardCharsets.UTF_8));
    }

    private void fillMinute() {
        batch.clear();
        next = 0;
        long to = minute + MINUTE;
        for (FleetPlan.Device d : plan.devices()) {
            long hb = minute + d.heartbeatOffsetS() * 1000L;
            FleetPlan.CollectorLoss collector = plan.collector();
            boolean viaCollector = d.tenant().equals(collector.tenant());
            if (alive(d, hb) && heard(d, hb) && !(viaCollector && hb >= collector.from() && hb < collector.to())) {
                batch.add(new Timed(hb, json(d, hb, "heartbeat", ""), viaCollector ? collector.feed() : FleetPlan.RMM_FEED));
            }
            for (Timed t : specials.get(d.index())) {
                if (t.ts >= minute && t.ts < to && heard(d, t.ts)) {
                    batch.add(t);
                }
            }
        }
        batch.sort(Comparator.comparingLong(Timed::ts));
        minute = to;
    }

    /** Whether anything the device sends gets out of its site (not while its uplink is down). */
    private boolean heard(FleetPlan.Device d, long ts) {
        FleetPlan.UplinkLoss loss = plan.uplinkLoss();
        return ts < loss.from() || ts >= loss.to() || !d.tenant().equals(loss.tenant()) || !d.site().equals(loss.site());
    }

    /** Heartbeats stop from the restart until the boot (for ever for a device that never comes back). */
    private static boolean alive(FleetPlan.Device d, long ts) {
        if (ts < d.rebootAt()) {
            return true;
        }
        if (d.fault() == InjectedFault.NEVER_BACK) {
            return false;
        }
        return ts >= d.bootAt() + 30_000L;
    }

    /** Everything but heartbeats, for one device, in time order. */
    private static List<Timed> scripted(FleetPlan.Device d) {
        List<Timed> out = new ArrayList<>();
        long night = FleetPlan.NIGHT.toEpochMilli();
        // The RMM's service inventory: baseline before the patch window.
        for (long snapshot : new long[] {night + 30 * MINUTE, night + 90 * MINUTE}) {
            for (String s : d.services()) {
                out.add(new Timed(snapshot + d.index() % 60 * 1000L, json(d, snapshot + d.index() % 60 * 1000L,
                        "service_state", ",\"service\":\"" + s + "\",\"state\":\"running\",\"start_type\":\"auto\"")));
            }
        }
        long t = d.firstInstall();
        for (String kb : d.kbs()) {
            boolean fails = d.fault() == InjectedFault.PATCH_FAILED && kb.equals(FleetPlan.DOTNET);
            out.add(new Timed(t - 20_000L, json(d, t - 20_000L, "patch_started", ",\"kb\":\"" + kb + "\"")));
            if (fails) {
                out.add(new Timed(t, json(d, t, "patch_failed", ",\"kb\":\"" + kb + "\",\"error\":\"0x80070643\"")));
                if (d.index() % 2 == 0) {
                    long retry = night + 4 * 60 * MINUTE + d.index() % 600 * 1000L;
                    out.add(new Timed(retry, json(d, retry, "patch_installed", ",\"kb\":\"" + kb + "\",\"reboot_required\":false")));
                }
            } else {
                boolean reboot = kb.equals(FleetPlan.CUMULATIVE);
                out.add(new Timed(t, json(d, t, "patch_installed", ",\"kb\":\"" + kb + "\",\"reboot_required\":" + reboot)));
            }
            t += 45_000L;
        }
        out.add(new Timed(d.rebootAt(), json(d, d.rebootAt(), "reboot_initiated", ",\"reason\":\"Windows Update\"")));
        if (d.fault() != InjectedFault.NEVER_BACK) {
            // A boot loop: boot, crash 2 minutes later, boot again 2 minutes after that; twice.
            int boots = d.fault() == InjectedFault.BOOT_LOOP ? 3 : 1;
            for (int b = 0; b < boots; b++) {
                long bootAt = d.bootAt() + b * 4 * MINUTE;
                if (b > 0) {
                    long crash = bootAt - 2 * MINUTE;
                    out.add(new Timed(crash, json(d, crash, "unexpected_shutdown", ",\"reason\":\"EventLog 6008\"")));
                }
                out.add(new Timed(bootAt, json(d, bootAt, "booted", "")));
                long start = bootAt + 20_000L;
                for (String s : d.services()) {
                    start += 10_000L;
                    boolean stays = d.fault() == InjectedFault.SERVICE_STOPPED && s.equals(d.faultService());
                    out.add(new Timed(start, json(d, start, "service_state",
                            ",\"service\":\"" + s + "\",\"state\":\"" + (stays ? "stopped" : "running") + "\"")));
                }
            }
            if (d.fault() == InjectedFault.SERVICE_CRASH) {
                long crash = d.bootAt() + (3 + d.index() % 5) * MINUTE;
                out.add(new Timed(crash, json(d, crash, "service_failed",
                        ",\"service\":\"" + d.faultService() + "\",\"error\":\"7031: terminated unexpectedly\"")));
                out.add(new Timed(crash + 1000L, json(d, crash + 1000L, "service_state",
                        ",\"service\":\"" + d.faultService() + "\",\"state\":\"stopped\"")));
                long restart = crash + 40 * MINUTE;
                out.add(new Timed(restart, json(d, restart, "service_state",
                        ",\"service\":\"" + d.faultService() + "\",\"state\":\"running\"")));
            }
        }
        out.sort(Comparator.comparingLong(Timed::ts));
        return out;
    }

    private static String json(FleetPlan.Device d, long ts, String kind, String extra) {
        return "{\"ts\":\"" + EventTimes.format(ts) + "\",\"tenant\":\"" + d.tenant() + "\",\"site\":\"" + d.site()
                + "\",\"device\":\"" + d.name() + "\",\"kind\":\"" + kind + "\",\"source\":\"demo\"" + extra + "}";
    }
}
