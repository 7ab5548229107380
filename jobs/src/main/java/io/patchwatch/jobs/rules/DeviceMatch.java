package io.patchwatch.jobs.rules;

import io.patchwatch.connectors.adapters.DeviceIdentity;
import io.patchwatch.connectors.adapters.HostNames;
import io.patchwatch.jobs.inventory.DeviceInfo;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;

/**
 * Which devices an override or a maintenance window is for: every field given must equal the
 * device's (from the inventory; case-insensitive), the others match anything. The tenant is folded
 * to lower case and the device name normalised as events' are, so a match reads as the file does.
 */
public record DeviceMatch(String tenant, String site, String group, String criticality, String device) implements Serializable {

    /** From a rules file's {@code match:} map (keys tenant, site, group, criticality, device). */
    static DeviceMatch of(Map<String, String> match) {
        String tenant = match.get("tenant");
        String device = match.get("device");
        return new DeviceMatch(
                tenant == null ? null : tenant.strip().toLowerCase(Locale.ROOT), match.get("site"), match.get("group"),
                match.get("criticality"), device == null ? null : HostNames.device(DeviceIdentity.normalise(device)));
    }

    /** Only a device the inventory lists can match: it asks for a group or a criticality, which only the inventory knows. */
    public boolean needsInventory() {
        return group != null || criticality != null;
    }

    public boolean matches(DeviceInfo d) {
        return eq(tenant, d.tenant()) && eq(site, d.site()) && eq(group, d.group())
                && eq(criticality, d.criticality()) && eq(device, d.device());
    }

    private static boolean eq(String want, String have) {
        return want == null || (have != null && want.equalsIgnoreCase(have));
    }
}
