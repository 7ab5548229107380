package io.patchwatch.jobs.status;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.DeviceKeys;
import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.OpenIncident;
import io.patchwatch.schemas.PatchState;
import io.patchwatch.schemas.RebootState;
import io.patchwatch.schemas.SessionStatus;
import io.patchwatch.schemas.StatusStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A device's status (FLEET.md, Patch status) from what the job already decided about it: the device
 * tracker's facts (silence and return, sessions, installs and failures, reboots, services) and its
 * incidents as noise control pages or holds them. Pure logic on a {@link DeviceStatus} record;
 * {@link DeviceStatusOperator} keeps one per device.
 */
public final class DeviceStatusView {
    /** The rule whose incident means the restart hung (its firing sets the reboot state to hung). */
    static final String REBOOT_HANG = "reboot-hang";

    private DeviceStatusView() {}

    /** A device first heard of: online, nothing else known yet. */
    public static DeviceStatus create(String key, String site, DeviceInfo info, long ts) {
        String group = info == null ? null : info.group();
        return DeviceStatus.newBuilder()
                .setTenant(DeviceKeys.tenantOf(key))
                .setDevice(DeviceKeys.deviceOf(key))
                .setSite(info != null && info.site() != null ? info.site() : site)
                .setGroup(group)
                .setRing(group == null ? "all" : group)
                .setTs(ts)
                .setState(PatchState.healthy)
                .setOnline(true)
                .setLastSeen(null)
                .setSilentSince(null)
                .setSession(null)
                .setReboot(RebootState.none)
                .setRebootAt(null)
                .setServicesDown(new ArrayList<>())
                .setIncidents(new ArrayList<>())
                .setRulesVersion(null)
                .setTimeline(new ArrayList<>())
                .build();
    }

    /**
     * The status with lists and maps this class can change in place. A status read back from a
     * checkpoint (or from the heap backend's copy) holds Avro's arrays, whose iterators cannot
     * remove; they are copied once into Java's, a status made here is left as it is.
     */
    public static DeviceStatus mutable(DeviceStatus s) {
        if (!(s.getServicesDown() instanceof ArrayList)) {
            s.setServicesDown(new ArrayList<>(s.getServicesDown()));
        }
        if (!(s.getIncidents() instanceof ArrayList)) {
            s.setIncidents(new ArrayList<>(s.getIncidents()));
        }
        if (!(s.getTimeline() instanceof ArrayList)) {
            s.setTimeline(new ArrayList<>(s.getTimeline()));
        }
        SessionStatus session = s.getSession();
        if (session != null && !(session.getInstalled() instanceof ArrayList)) {
            session.setInstalled(new ArrayList<>(session.getInstalled()));
        }
        if (session != null && !(session.getFailed() instanceof LinkedHashMap)) {
            session.setFailed(new LinkedHashMap<>(session.getFailed()));
        }
        return s;
    }

    /** Takes one fact; true when something an operator looks at changed. */
    public static boolean apply(DeviceStatus s, DeviceFact f) {
        if (changesNothing(s, f)) {
            if (f.device != null && !f.device.isEmpty() && !f.device.equals(s.getDevice())) {
                s.setDevice(f.device);
            }
            seen(s, f.ts);
            return false;
        }
        String before = fingerprint(s);
        if (f.device != null && !f.device.isEmpty()) {
            s.setDevice(f.device);
        }
        if (f.site != null && s.getSite() == null) {
            s.setSite(f.site);
        }
        if (f.rulesVersion > 0) {
            s.setRulesVersion(f.rulesVersion);
        }
        switch (f.kind) {
            case DEVICE_SILENT -> {
                s.setOnline(false);
                s.setSilentSince(f.ts);
                if (f.lastSeen != DeviceFact.NONE) {
                    s.setLastSeen(f.lastSeen);
                }
            }
            case DEVICE_BACK -> {
                s.setOnline(true);
                s.setSilentSince(null);
                seen(s, f.ts);
            }
            case SESSION_OPENED -> {
                s.setSession(new SessionStatus(f.ts, null, new ArrayList<>(), new LinkedHashMap<>()));
                s.setReboot(RebootState.none);
                s.setRebootAt(null);
            }
            case SESSION_CLOSED -> session(s, f).setClosed(f.ts);
            case PATCH_INSTALLED -> {
                SessionStatus session = session(s, f);
                String update = update(f);
                if (!session.getInstalled().contains(update)) {
                    session.getInstalled().add(update);
                }
                session.getFailed().remove(update);
                if (Boolean.TRUE.equals(f.rebootRequired) && s.getReboot() != RebootState.initiated) {
                    reboot(s, RebootState.required, f.ts); // the install says so itself (RMMs do)
                }
                seen(s, f.ts);
            }
            case PATCH_FAILED -> {
                session(s, f).getFailed().put(update(f), f.error == null ? "" : f.error);
                seen(s, f.ts);
            }
            case REBOOT_REQUIRED -> reboot(s, RebootState.required, f.ts);
            case REBOOT_INITIATED -> reboot(s, RebootState.initiated, f.ts);
            case BOOTED -> {
                reboot(s, RebootState.booted, f.ts);
                s.setOnline(true);
                s.setSilentSince(null);
            }
            case SERVICE_STATE -> {
                String service = f.service == null ? null : f.service.toUpperCase(Locale.ROOT);
                if (service != null) {
                    if ("running".equalsIgnoreCase(f.state)) {
                        s.getServicesDown().remove(service);
                    } else if (!s.getServicesDown().contains(service)) {
                        s.getServicesDown().add(service);
                    }
                }
                seen(s, f.ts);
            }
            case SERVICE_FAILED -> {
                if (f.service != null && !s.getServicesDown().contains(f.service.toUpperCase(Locale.ROOT))) {
                    s.getServicesDown().add(f.service.toUpperCase(Locale.ROOT));
                }
                seen(s, f.ts);
            }
            case DEVICE_SEEN -> seen(s, f.ts); // last seen, which alone sends no record
            default -> {
                // Pings, deadlines, feed signals and rules versions change nothing an operator looks at.
            }
        }
        return changed(s, before, f.ts) && step(s, f.ts, what(f, s), detail(f));
    }

    /** Takes one incident change; true when the status changed. */
    public static boolean apply(DeviceStatus s, IncidentChange c) {
        String before = fingerprint(s);
        List<OpenIncident> open = s.getIncidents();
        open.removeIf(i -> i.getDedupKey().equals(c.dedupKey));
        if (c.open) {
            open.add(new OpenIncident(c.rule, c.firedAt, c.paged, c.heldBy, c.dedupKey));
            if (c.rule.equals(REBOOT_HANG) && s.getReboot() == RebootState.initiated) {
                s.setReboot(RebootState.hung); // its step is the incident's
            }
        }
        String what = !c.open ? "incident_closed" : c.paged ? "incident_paged" : "incident_held";
        return changed(s, before, c.ts) && step(s, c.ts, what, c.heldBy == null || !c.open ? c.rule : c.rule + " (" + c.heldBy + ")");
    }

    /** The newest steps kept in a record (a patch night has a few dozen; a flapping service is cut short). */
    static final int TIMELINE_STEPS = 50;

    /** Adds a step to the night's timeline; true. */
    private static boolean step(DeviceStatus s, long ts, String what, String detail) {
        List<StatusStep> steps = s.getTimeline();
        steps.add(new StatusStep(ts, what, detail));
        if (steps.size() > TIMELINE_STEPS) {
            steps.subList(0, steps.size() - TIMELINE_STEPS).clear();
        }
        return true;
    }

    /** The timeline's name of what a fact did (it changed the status). */
    private static String what(DeviceFact f, DeviceStatus s) {
        return switch (f.kind) {
            case DEVICE_SILENT -> "silent";
            case DEVICE_BACK -> "back";
            case SESSION_OPENED -> "session_opened";
            case SESSION_CLOSED -> "session_closed";
            case PATCH_INSTALLED -> "installed";
            case PATCH_FAILED -> "install_failed";
            case REBOOT_REQUIRED -> "reboot_required";
            case REBOOT_INITIATED -> "restart_initiated";
            case BOOTED -> "booted";
            case SERVICE_STATE, SERVICE_FAILED -> f.service != null
                    && s.getServicesDown().contains(f.service.toUpperCase(Locale.ROOT)) ? "service_down" : "service_running";
            default -> f.kind.ruleName();
        };
    }

    private static String detail(DeviceFact f) {
        return switch (f.kind) {
            case PATCH_INSTALLED -> update(f);
            case PATCH_FAILED -> f.error == null || f.error.isEmpty() ? update(f) : update(f) + ": " + f.error;
            case SERVICE_STATE, SERVICE_FAILED -> f.service == null ? null
                    : f.state == null ? f.service.toUpperCase(Locale.ROOT) : f.service.toUpperCase(Locale.ROOT) + " " + f.state;
            default -> null;
        };
    }

    /**
     * The most urgent thing that holds: offline (silent, or hung in its restart), failed (an update
     * failed and was not installed since), service_down, pending_reboot (required or initiated, not
     * booted), patching (a session started, nothing installed yet), else healthy.
     */
    public static PatchState state(DeviceStatus s) {
        if (!s.getOnline() || s.getReboot() == RebootState.hung) {
            return PatchState.offline;
        }
        SessionStatus session = s.getSession();
        if (session != null && !session.getFailed().isEmpty()) {
            return PatchState.failed;
        }
        if (!s.getServicesDown().isEmpty()) {
            return PatchState.service_down;
        }
        if (s.getReboot() == RebootState.required || s.getReboot() == RebootState.initiated) {
            return PatchState.pending_reboot;
        }
        if (session != null && session.getClosed() == null && session.getInstalled().isEmpty()) {
            return PatchState.patching; // started, nothing installed yet
        }
        return PatchState.healthy;
    }

    private static boolean changed(DeviceStatus s, String before, long ts) {
        s.setState(state(s));
        if (Objects.equals(before, fingerprint(s))) {
            return false;
        }
        s.setTs(Math.max(s.getTs(), ts));
        return true;
    }

    /**
     * The facts most of a night is made of and that change nothing shown: the hourly signal, and an
     * inventory reporting each service as it already was (running, or down and known down). Told
     * apart without a fingerprint: they are most of what the status takes.
     */
    private static boolean changesNothing(DeviceStatus s, DeviceFact f) {
        if ((f.site != null && s.getSite() == null) || (f.rulesVersion > 0 && !Integer.valueOf(f.rulesVersion).equals(s.getRulesVersion()))) {
            return false;
        }
        return switch (f.kind) {
            case DEVICE_SEEN -> true;
            case SERVICE_STATE -> f.service != null
                    && "running".equalsIgnoreCase(f.state) != s.getServicesDown().contains(f.service.toUpperCase(Locale.ROOT));
            default -> false;
        };
    }

    /** What an operator looks at, without the record's time (which every change moves). */
    private static String fingerprint(DeviceStatus s) {
        StringBuilder b = new StringBuilder(128).append(s.getState()).append('|').append(s.getOnline()).append('|')
                .append(s.getSilentSince()).append('|').append(s.getReboot()).append('|').append(s.getServicesDown()).append('|')
                .append(s.getRulesVersion()).append('|').append(s.getSite()).append('|');
        SessionStatus session = s.getSession();
        if (session != null) {
            b.append(session.getOpened()).append(',').append(session.getClosed()).append(',').append(session.getInstalled())
                    .append(',').append(session.getFailed());
        }
        for (OpenIncident i : s.getIncidents()) {
            b.append('|').append(i.getDedupKey()).append(',').append(i.getPaged()).append(',').append(i.getHeldBy());
        }
        return b.toString();
    }

    private static void seen(DeviceStatus s, long ts) {
        if (s.getLastSeen() == null || s.getLastSeen() < ts) {
            s.setLastSeen(ts);
        }
    }

    private static void reboot(DeviceStatus s, RebootState state, long ts) {
        s.setReboot(state);
        s.setRebootAt(ts);
        seen(s, ts);
    }

    /** The session a fact belongs to; opened by it when the status holds none (a fact before its session's start). */
    private static SessionStatus session(DeviceStatus s, DeviceFact f) {
        if (s.getSession() == null) {
            long opened = f.sessionStart != DeviceFact.NONE ? f.sessionStart : f.ts;
            s.setSession(new SessionStatus(opened, null, new ArrayList<>(), new LinkedHashMap<>()));
        }
        return s.getSession();
    }

    private static String update(DeviceFact f) {
        if (f.kb != null) {
            return f.kb;
        }
        if (f.update != null) {
            return f.update;
        }
        return f.title == null ? "(unnamed update)" : f.title;
    }
}
