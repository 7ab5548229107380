package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.Adapters;
import io.patchwatch.connectors.adapters.EventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import picocli.CommandLine.Option;

/** How recordings are read ({@code replay}, {@code rules test}): their format, and the tenant and site of records that name none. */
final class RecordingFormat {
    @Option(names = "--format", defaultValue = CanonicalJsonAdapter.NAME, paramLabel = "FORMAT",
            description = "canonical-json, avro, windows-xml, winlogbeat, rmm-json, tactical-rmm, ping, nagios or icinga2 (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--tenant", defaultValue = "default", description = "The tenant of records that name none.")
    String tenant;

    @Option(names = "--site", description = "The site of records that name none.")
    String site;

    /** The adapter of --format, with --tenant and --site for formats whose records lack them. */
    EventAdapter adapter() {
        try {
            return Adapters.create(format, AdapterSettings.defaults().withTenant(tenant, site));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
