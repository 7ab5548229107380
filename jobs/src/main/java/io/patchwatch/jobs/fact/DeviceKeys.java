package io.patchwatch.jobs.fact;

import io.patchwatch.schemas.DeviceEvent;
import java.util.Locale;

/** Device identity: (tenant, device), case-insensitive on the device name. */
public final class DeviceKeys {
    private DeviceKeys() {}

    public static String key(String tenant, String device) {
        return tenant + "/" + device.toLowerCase(Locale.ROOT);
    }

    /** What to keep of a spelling: null when {@link #displayName} can rebuild it from the key. */
    public static String spellingToKeep(String key, String spelling) {
        return spelling.equals(deviceOf(key).toUpperCase(Locale.ROOT)) ? null : spelling;
    }

    /** The device's name as alerts show it. */
    public static String displayName(String key, String kept) {
        return kept != null ? kept : deviceOf(key).toUpperCase(Locale.ROOT);
    }

    public static String tenantOf(String key) {
        return key.substring(0, key.indexOf('/'));
    }

    public static String deviceOf(String key) {
        return key.substring(key.indexOf('/') + 1);
    }

    public static String of(DeviceEvent e) {
        return key(e.getTenant(), e.getDevice());
    }
}
