package io.patchwatch.jobs.inventory;

import java.io.Serializable;

/**
 * What the inventory knows of a device. Unknown devices get {@link #unknown}: no group, default
 * criticality, the site their events carry.
 */
public record DeviceInfo(String tenant, String device, String site, String group, String criticality)
        implements Serializable {

    public static DeviceInfo unknown(String tenant, String device, String site) {
        return new DeviceInfo(tenant, device, site, null, null);
    }
}
