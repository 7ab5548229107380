package io.patchwatch.connectors.adapters;

import java.io.Serializable;
import java.util.Map;

/**
 * What adapters need beyond the payload: the tenant (and site) of feeds whose records do not name
 * one (a Windows event log, ping output), the record size limit, and extra service display names.
 *
 * @param serviceNames display name to short name, on top of the built-in table (Windows adapters)
 */
public record AdapterSettings(String tenant, String site, int maxRecordBytes, Map<String, String> serviceNames)
        implements Serializable {

    public static final int DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

    public static AdapterSettings defaults() {
        return new AdapterSettings("default", null, DEFAULT_MAX_RECORD_BYTES, Map.of());
    }

    /** True when this feed was configured for one tenant: records may not name another. */
    public boolean tenantFixed() {
        return tenant != null && !tenant.equals("default");
    }

    public AdapterSettings withTenant(String tenant, String site) {
        return new AdapterSettings(tenant, site, maxRecordBytes, serviceNames);
    }
}
