package io.patchwatch.jobs.status;

import io.patchwatch.schemas.DeviceStatus;

/**
 * What the status stream carries for one device: its new status, or none when the device was
 * forgotten (the status topic's tombstone). One stream for both keeps a device's records in order
 * on their way to the topic.
 */
public class StatusChange {
    /** tenant/device, the status topic's key. */
    public String key;
    /** null: the device is forgotten. */
    public DeviceStatus status;

    public StatusChange() {}

    public StatusChange(String key, DeviceStatus status) {
        this.key = key;
        this.status = status;
    }

    public boolean forgotten() {
        return status == null;
    }
}
