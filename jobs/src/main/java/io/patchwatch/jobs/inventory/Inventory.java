package io.patchwatch.jobs.inventory;

import io.patchwatch.connectors.config.ConfigException;

import io.patchwatch.connectors.adapters.DeviceIdentity;
import io.patchwatch.connectors.adapters.Refusal;

import io.patchwatch.jobs.fact.DeviceKeys;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tenant, site, group and criticality of known devices, from a CSV file:
 *
 * <pre>{@code
 * device,tenant,site,group,criticality
 * SRV-SQL-01,acme,hq,sql,high
 * }</pre>
 *
 * The header is required and names the columns (any order; {@code device} is required, the others
 * optional). Lookups are case-insensitive on the device name, like device identity everywhere.
 */
public final class Inventory implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final List<String> COLUMNS = List.of("device", "tenant", "site", "group", "criticality");

    private final Map<String, DeviceInfo> byKey;
    /** Devices listed per tenant/site (lower case), counted on first use. */
    private transient Map<String, Integer> perSite;

    private Inventory(Map<String, DeviceInfo> byKey) {
        this.byKey = byKey;
    }

    public static Inventory empty() {
        return new Inventory(new HashMap<>());
    }

    public static Inventory of(List<DeviceInfo> devices) {
        Map<String, DeviceInfo> m = new HashMap<>();
        for (DeviceInfo d : devices) {
            m.put(DeviceKeys.key(d.tenant(), d.device()), d);
        }
        return new Inventory(m);
    }

    public static Inventory load(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read inventory: " + e.getMessage(), e);
        }
        return parse(lines, file.toString());
    }

    /** The CSV lines of an inventory; {@code file} names it in errors. */
    public static Inventory parse(List<String> lines, String file) {
        if (lines.isEmpty()) {
            throw new ConfigException(file + ":1: empty inventory; the first line must be a header naming the columns");
        }
        String[] header = lines.get(0).split(",", -1);
        int[] index = new int[COLUMNS.size()];
        java.util.Arrays.fill(index, -1);
        for (int i = 0; i < header.length; i++) {
            String col = header[i].strip().toLowerCase(Locale.ROOT);
            int c = COLUMNS.indexOf(col);
            if (c < 0) {
                throw new ConfigException(file + ":1:" + (i + 1) + ": unknown column '" + header[i].strip()
                        + "' (known: " + String.join(", ", COLUMNS) + ")");
            }
            index[c] = i;
        }
        if (index[0] < 0) {
            throw new ConfigException(file + ":1: the header has no 'device' column");
        }
        Map<String, DeviceInfo> m = new HashMap<>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            if (cells.length != header.length) {
                throw new ConfigException(file + ":" + (n + 1) + ": expected " + header.length + " columns, found " + cells.length);
            }
            String device = cell(cells, index[0]);
            if (device == null) {
                throw new ConfigException(file + ":" + (n + 1) + ": 'device' is empty");
            }
            String tenant = cell(cells, index[1]);
            try {
                // The identity rules of events (ValidatedAdapter): the inventory names devices the same way.
                tenant = DeviceIdentity.tenant(tenant == null ? "default" : tenant);
                device = DeviceIdentity.device(device);
            } catch (Refusal r) {
                throw new ConfigException(file + ":" + (n + 1) + ": " + r.getMessage());
            }
            DeviceInfo info = new DeviceInfo(tenant, device,
                    cell(cells, index[2]), cell(cells, index[3]), cell(cells, index[4]));
            m.put(DeviceKeys.key(info.tenant(), info.device()), info);
        }
        return new Inventory(m);
    }

    /** The inventory entry, or {@link DeviceInfo#unknown} built from what the event says. */
    public DeviceInfo lookup(String tenant, String device, String eventSite) {
        DeviceInfo info = byKey.get(DeviceKeys.key(tenant, device));
        return info == null ? DeviceInfo.unknown(tenant, device, eventSite) : withSite(info, eventSite);
    }

    /** The same by device key ({@link DeviceKeys#key}), as the keyed operators hold it: no new key is built. */
    /** Whether the inventory lists the device of this key. */
    public boolean lists(String key) {
        return byKey.containsKey(key);
    }

    public DeviceInfo lookupKey(String key, String eventSite) {
        DeviceInfo info = byKey.get(key);
        return info == null ? DeviceInfo.unknown(DeviceKeys.tenantOf(key), DeviceKeys.deviceOf(key), eventSite)
                : withSite(info, eventSite);
    }

    private static DeviceInfo withSite(DeviceInfo info, String eventSite) {
        return info.site() != null || eventSite == null ? info
                : new DeviceInfo(info.tenant(), info.device(), eventSite, info.group(), info.criticality());
    }

    /** How many devices the inventory lists at a tenant's site (0: none, or the site is unknown to it). */
    public int devicesAt(String tenant, String site) {
        if (perSite == null) {
            Map<String, Integer> m = new HashMap<>();
            for (DeviceInfo d : byKey.values()) {
                if (d.site() != null) {
                    m.merge(siteKey(d.tenant(), d.site()), 1, Integer::sum);
                }
            }
            perSite = m;
        }
        return site == null ? 0 : perSite.getOrDefault(siteKey(tenant, site), 0);
    }

    private static String siteKey(String tenant, String site) {
        return (tenant + "/" + site).toLowerCase(java.util.Locale.ROOT);
    }

    public int size() {
        return byKey.size();
    }

    private static String cell(String[] cells, int i) {
        if (i < 0) {
            return null;
        }
        String v = cells[i].strip();
        return v.isEmpty() ? null : v;
    }
}
