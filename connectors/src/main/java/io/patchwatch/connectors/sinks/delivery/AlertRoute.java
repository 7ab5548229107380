package io.patchwatch.connectors.sinks.delivery;

import io.patchwatch.schemas.Alert;
import java.io.Serializable;
import java.util.Set;

/**
 * Which alerts a sink receives (the {@code route:} block of a sink in job.yaml): an empty set means
 * any value. A firing alert and its resolve always agree on tenant, severity and rule, so a sink
 * that received one receives the other.
 */
public record AlertRoute(Set<String> tenants, Set<String> severities, Set<String> rules) implements Serializable {

    /** Tenants are folded to lower case, as every event's tenant is. */
    public AlertRoute {
        tenants = tenants.stream().map(t -> t.strip().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    public static AlertRoute all() {
        return new AlertRoute(Set.of(), Set.of(), Set.of());
    }

    public boolean matches(Alert a) {
        return (tenants.isEmpty() || tenants.contains(a.getTenant()))
                && (severities.isEmpty() || severities.contains(a.getSeverity()))
                && (rules.isEmpty() || rules.contains(a.getRule()));
    }
}
