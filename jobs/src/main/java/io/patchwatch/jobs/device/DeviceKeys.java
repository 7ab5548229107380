package io.patchwatch.jobs.device;

import io.patchwatch.schemas.DeviceEvent;
import java.util.Locale;

/** Device identity: (tenant, device), case-insensitive on the device name. */
public final class DeviceKeys {
    private DeviceKeys() {}

    public static String key(String tenant, String device) {
        return tenant + "/" + device.toLowerCase(Locale.ROOT);
    }

    public static String of(DeviceEvent e) {
        return key(e.getTenant(), e.getDevice());
    }
}
