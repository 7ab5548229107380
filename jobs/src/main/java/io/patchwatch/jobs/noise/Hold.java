package io.patchwatch.jobs.noise;

/**
 * Why an incident is not paged now, and until when.
 *
 * @param heldBy as {@code context.held_by} says it ({@code maintenance/acme-patch-night})
 * @param parent the dedup key of the parent incident, or null
 * @param until when it is looked at again; {@link Notice#NONE}: when the parent ends
 */
public record Hold(Kind kind, String heldBy, String parent, long until) {

    /** What holds an incident, and the reason it closes with if it resolves while held. */
    public enum Kind {
        MAINTENANCE("maintenance", "healed_in_maintenance"),
        SITE_OUTAGE("site_outage", "explained_by_site_outage"),
        FEED_SILENCE("feed_silence", "explained_by_feed_silence"),
        PARENT("parent", "explained_by_parent"),
        FLAPPING("flapping", "flapping"),
        HOLD_FOR("hold_for", "shorter_than_hold_for");

        /** The {@code reason} label of held_total. */
        public final String label;
        /** The {@code reason} it closes with (held_resolved_total). */
        public final String closeReason;

        Kind(String label, String closeReason) {
            this.label = label;
            this.closeReason = closeReason;
        }
    }
}
