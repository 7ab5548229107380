package io.patchwatch.jobs.status;

import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import io.patchwatch.schemas.SessionStatus;
import java.util.Locale;

/**
 * Which devices a view shows: by tenant, site, ring, state, an update (KB) of their session, and a
 * search in the device's name; null parts let every device through.
 */
public record DeviceFilter(String tenant, String site, String ring, PatchState state, String kb, String search) {
    public static final DeviceFilter ALL = new DeviceFilter(null, null, null, null, null, null);

    public boolean matches(DeviceStatus s) {
        if (tenant != null && !tenant.equals(s.getTenant())) {
            return false;
        }
        if (site != null && !site.equals(s.getSite())) {
            return false;
        }
        if (ring != null && !ring.equals(s.getRing())) {
            return false;
        }
        if (state != null && state != s.getState()) {
            return false;
        }
        if (kb != null && !hasUpdate(s.getSession(), kb)) {
            return false;
        }
        return search == null || s.getDevice().toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT));
    }

    /** The same filter without its state: the counts beside a table filtered by state. */
    public DeviceFilter anyState() {
        return new DeviceFilter(tenant, site, ring, null, kb, search);
    }

    private static boolean hasUpdate(SessionStatus session, String kb) {
        if (session == null) {
            return false;
        }
        String k = kb.toUpperCase(Locale.ROOT);
        return session.getInstalled().stream().anyMatch(u -> u.toUpperCase(Locale.ROOT).equals(k))
                || session.getFailed().keySet().stream().anyMatch(u -> u.toUpperCase(Locale.ROOT).equals(k));
    }
}
