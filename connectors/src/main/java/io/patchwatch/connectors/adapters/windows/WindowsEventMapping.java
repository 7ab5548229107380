package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.io.Serializable;
import io.patchwatch.connectors.text.SafeText;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Windows System log events to canonical events (ARCHITECTURE.md's mapping):
 *
 * <pre>
 * WindowsUpdateClient 19 / 20 / 43      patch_installed / patch_failed (+error) / patch_started
 * User32 1074                           reboot_initiated (+reason)
 * EventLog 6006                         reboot_initiated (clean stop)
 * EventLog 6005, 6009, Kernel-General 12   booted
 * EventLog 6008, Kernel-Power 41        unexpected_shutdown
 * Service Control Manager 7036          service_state
 * Service Control Manager 7000 7009 7011 7023 7024 7031 7034   service_failed (+error)
 * EventLog 6011 (the machine renamed)   no event; the new name is an alias of the first one
 * </pre>
 *
 * Everything else is skipped and counted. The KB comes from the update title ("... (KB5044284)").
 * The device is the short host name of {@code Computer}. A machine that renames itself keeps the
 * name it was first seen with: after a 6011, events under the new name are mapped to it, so one
 * machine never becomes two devices (held in memory per adapter instance: a restarted job learns it
 * again at the next 6011, or give the machine one name in the inventory).
 */
final class WindowsEventMapping implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern KB = Pattern.compile("\\b(KB\\d{6,8})\\b", Pattern.CASE_INSENSITIVE);
    private static final String UPDATE_CLIENT = "Microsoft-Windows-WindowsUpdateClient";
    private static final String EVENT_LOG = "EventLog";
    private static final String SCM = "Service Control Manager";
    static final int MAX_ALIASES = 10_000;

    private final AdapterSettings settings;
    private final ServiceNames services;
    private transient Map<String, String> aliases;

    WindowsEventMapping(AdapterSettings settings) {
        this.settings = settings;
        this.services = new ServiceNames(settings.serviceNames());
    }

    void map(WindowsEvent w, String source, AdapterOutput out) {
        String device = resolveAlias(HostNames.device(w.computer()));
        DeviceEvent.Builder b = DeviceEvent.newBuilder()
                .setTs(w.ts())
                .setTenant(settings.tenant())
                .setSite(settings.site())
                .setDevice(device)
                .setSource(source)
                .setRawId("System/" + w.eventId() + (w.recordId() == null ? "" : "/" + w.recordId()));
        String provider = w.provider();
        int id = w.eventId();
        if (provider.equals(UPDATE_CLIENT) || provider.equals("WindowsUpdateClient")) {
            switch (id) {
                case 19, 20, 43 -> patch(w, b, id, out);
                default -> out.skipped("WindowsUpdateClient " + id);
            }
        } else if (provider.equals("User32") && id == 1074) {
            String reason = join(w.param("param3", 2), w.param("param5", 4));
            out.event(b.setKind(EventKind.reboot_initiated).setReason(reason).build());
        } else if (provider.equals(EVENT_LOG)) {
            switch (id) {
                case 6006 -> out.event(b.setKind(EventKind.reboot_initiated).setReason("clean shutdown (EventLog 6006)").build());
                case 6005, 6009 -> out.event(b.setKind(EventKind.booted).build());
                case 6008 -> out.event(b.setKind(EventKind.unexpected_shutdown).setReason("EventLog 6008").build());
                case 6011 -> rename(w, out);
                default -> out.skipped("EventLog " + id);
            }
        } else if (provider.equals("Microsoft-Windows-Kernel-General") && id == 12) {
            out.event(b.setKind(EventKind.booted).build());
        } else if (provider.equals("Microsoft-Windows-Kernel-Power") && id == 41) {
            out.event(b.setKind(EventKind.unexpected_shutdown).setReason("Kernel-Power 41").build());
        } else if (provider.equals(SCM)) {
            switch (id) {
                case 7036 -> serviceState(w, b, out);
                case 7000, 7009, 7011, 7023, 7024, 7031, 7034 -> serviceFailed(w, b, id, out);
                default -> out.skipped("Service Control Manager " + id);
            }
        } else {
            out.skipped(provider + " " + id);
        }
    }

    private static void patch(WindowsEvent w, DeviceEvent.Builder b, int id, AdapterOutput out) {
        String title = w.param("updateTitle", 0);
        String guid = w.param("updateGuid", 1);
        if (title == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "updateTitle", "WindowsUpdateClient " + id + " without updateTitle");
            return;
        }
        Matcher m = KB.matcher(title);
        String kb = m.find() ? m.group(1).toUpperCase(Locale.ROOT) : null;
        String updateId = guid != null ? guid.replaceAll("[{}]", "").toLowerCase(Locale.ROOT) : kb;
        if (kb == null && updateId == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "updateGuid", "update without KB in its title and without updateGuid");
            return;
        }
        b.setTitle(title).setKb(kb).setUpdateId(updateId);
        switch (id) {
            case 19 -> out.event(b.setKind(EventKind.patch_installed).build());
            case 20 -> out.event(b.setKind(EventKind.patch_failed).setError(w.param("errorCode", 0)).build());
            default -> out.event(b.setKind(EventKind.patch_started).build());
        }
    }

    private void serviceState(WindowsEvent w, DeviceEvent.Builder b, AdapterOutput out) {
        String display = w.param("param1", 0);
        if (display == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "param1", "Service Control Manager 7036 without the service name");
            return;
        }
        ServiceState state = stateOf(ServiceNames.stateCodeFromBinary(w.binary()), w.param("param2", 1));
        if (state == null) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "param2",
                    "unknown service state " + SafeText.quote(w.param("param2", 1)) + " (and no state code in Binary)");
            return;
        }
        out.event(b.setKind(EventKind.service_state).setService(serviceName(w, display)).setState(state).build());
    }

    private void serviceFailed(WindowsEvent w, DeviceEvent.Builder b, int id, AdapterOutput out) {
        String display = w.param("param1", 0);
        if (display == null) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "param1", "Service Control Manager " + id + " without the service name");
            return;
        }
        String detail = id == 7023 || id == 7024 ? w.param("param2", 1) : null;
        String error = "SCM " + id + (detail == null ? "" : ": " + detail);
        out.event(b.setKind(EventKind.service_failed).setService(serviceName(w, display)).setError(error).build());
    }

    private String serviceName(WindowsEvent w, String display) {
        String fromBinary = ServiceNames.fromBinary(w.binary());
        return fromBinary != null ? fromBinary : services.fromDisplayName(display);
    }

    /** SCM state codes (SERVICE_STOPPED 1 ... SERVICE_PAUSED 7), else the English words of param2. */
    private static ServiceState stateOf(int code, String word) {
        switch (code) {
            case 1: return ServiceState.stopped;
            case 2: return ServiceState.start_pending;
            case 3: return ServiceState.stop_pending;
            case 4: return ServiceState.running;
            case 7: return ServiceState.paused;
            default: break;
        }
        if (word == null) {
            return null;
        }
        return switch (word.strip().toLowerCase(Locale.ROOT)) {
            case "running" -> ServiceState.running;
            case "stopped" -> ServiceState.stopped;
            case "paused" -> ServiceState.paused;
            case "start pending" -> ServiceState.start_pending;
            case "stop pending" -> ServiceState.stop_pending;
            default -> null;
        };
    }

    private void rename(WindowsEvent w, AdapterOutput out) {
        String from = HostNames.device(w.param("param1", 0));
        String to = HostNames.device(w.param("param2", 1));
        if (from == null || to == null || from.isEmpty() || to.isEmpty()) {
            out.deadLetter(DeadLetterReason.MISSING_FIELD, "param1", "EventLog 6011 without the old and new names");
            return;
        }
        if (SafeText.hasUnsafe(from) || SafeText.hasUnsafe(to)) {
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "param1", "EventLog 6011 names with control characters");
            return;
        }
        String computer = HostNames.device(w.computer());
        if (!computer.equalsIgnoreCase(from) && !computer.equalsIgnoreCase(to)) {
            // A machine logs its own rename, under its old or its new name; a 6011 about another
            // machine is forged and would hand that machine's events to this one.
            out.deadLetter(DeadLetterReason.INVALID_VALUE, "param1", "EventLog 6011 from " + SafeText.quote(computer)
                    + " renames another machine (" + SafeText.quote(from) + " to " + SafeText.quote(to) + ")");
            return;
        }
        String identity = resolveAlias(from);
        if (!to.equalsIgnoreCase(identity)) {
            aliases().put(to.toLowerCase(Locale.ROOT), identity);
        }
        out.skipped("EventLog 6011 (rename " + from + " -> " + to + ")");
    }

    /** The renames learned so far, new name to first name (lower case). */
    Map<String, String> remembered() {
        return new java.util.HashMap<>(aliases());
    }

    void restore(Map<String, String> remembered) {
        remembered.forEach((to, identity) -> aliases().put(to, identity));
    }

    private String resolveAlias(String device) {
        String identity = aliases().get(device.toLowerCase(Locale.ROOT));
        return identity != null ? identity : device;
    }

    /** The renames of the machines that renamed themselves most recently, at most {@link #MAX_ALIASES}. */
    private Map<String, String> aliases() {
        if (aliases == null) {
            aliases = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_ALIASES;
                }
            };
        }
        return aliases;
    }

    private static String join(String a, String b) {
        return a == null ? b : b == null ? a : a + " (" + b + ")";
    }
}
