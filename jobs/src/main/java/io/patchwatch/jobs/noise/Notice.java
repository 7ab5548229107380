package io.patchwatch.jobs.noise;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;

/** What an operator has been told of one incident (one dedup key). A Flink POJO. */
public class Notice {
    public static final long NONE = Long.MIN_VALUE;

    /** The incident's dedup key. */
    public String id;
    /** The firing as the incident book decided it. */
    public Alert alert;
    public NoticeState state;
    /** Not resolved yet (a rule that never resolves stays so). */
    public boolean firing = true;
    public long resolvedAt = NONE;
    /** What holds it, as {@code context.held_by} says (null: never held). */
    public String heldBy;
    /** The kind of hold, which names the reason it closes with. */
    public Hold.Kind holdKind;
    /** The parent incident's dedup key (site outage, the device's offline, flapping). */
    public String parent;
    /** The maintenance window it fired in, and when that window's incidents are decided. */
    public String maintenance;
    public long maintenanceDecideAt = NONE;
    /** The time it is looked at again (NONE: not waiting for a time). */
    public long wakeAt = NONE;
    /** GROUPED, or PENDING as a later subject: the notice whose page stands for it. */
    public String leader;
    /** A grouped page: the notices it stands for (itself excluded), and how many still fire. */
    public List<String> members = new ArrayList<>();
    public int membersFiring;
    /** The firing that was sent; its resolve repeats it. */
    public Alert paged;

    public Notice() {}

    boolean terminal(boolean neverResolves) {
        return state == NoticeState.CLOSED || (!firing || neverResolves) && (state == NoticeState.PAGED || state == NoticeState.GROUPED);
    }
}
