package io.patchwatch.jobs.support;

import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.time.Instant;

/** Canonical events for tests, at times given as "02:03" on 2026-11-10 (UTC). */
public final class Events {
    public static final String DAY = "2026-11-10T";

    private Events() {}

    public static long at(String hhmm) {
        String t = hhmm.length() == 5 ? hhmm + ":00" : hhmm;
        return Instant.parse(DAY + t + "Z").toEpochMilli();
    }

    public static DeviceEvent.Builder event(String device, EventKind kind, String hhmm) {
        return DeviceEvent.newBuilder().setTenant("acme").setSite("hq").setDevice(device).setKind(kind).setTs(at(hhmm));
    }

    public static DeviceEvent heartbeat(String device, String hhmm) {
        return event(device, EventKind.heartbeat, hhmm).build();
    }

    public static DeviceEvent ping(String device, String hhmm, boolean ok) {
        return event(device, EventKind.ping, hhmm).setOk(ok).build();
    }

    public static DeviceEvent installed(String device, String hhmm, String kb, boolean rebootRequired) {
        return event(device, EventKind.patch_installed, hhmm).setKb(kb).setUpdateId(kb).setRebootRequired(rebootRequired).build();
    }

    public static DeviceEvent booted(String device, String hhmm) {
        return event(device, EventKind.booted, hhmm).build();
    }

    public static DeviceEvent service(String device, String hhmm, String service, ServiceState state) {
        return event(device, EventKind.service_state, hhmm).setService(service).setState(state).build();
    }
}
