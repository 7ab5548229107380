package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.api.common.state.MapState;

/**
 * A device's incidents: one per (rule, session[, service or update]), each with its latest
 * episode. It decides what a trigger is (a new episode, or a repeat of one firing), which firing
 * incidents a fact ends, and forgets incidents a retention after they ended.
 */
final class IncidentBook {
    private final MapState<String, Incident> incidents;
    private final long retentionMs;

    IncidentBook(MapState<String, Incident> incidents, long retentionMs) {
        this.incidents = incidents;
        this.retentionMs = retentionMs;
    }

    static String idOf(Trigger t) {
        return t.rule() + "|" + t.fact.sessionStart + "|" + (t.subject == null ? "" : t.subject.toLowerCase(Locale.ROOT));
    }

    /**
     * Opens the next episode of the trigger's incident, or returns null for a repeat: the incident
     * is firing (two restarts logged for one reboot, an RMM retry), or, for a rule that never
     * resolves, fired at this very moment already.
     *
     * @param alert builds the episode's alert from its number
     */
    Incident fire(Trigger t, boolean neverResolves, java.util.function.IntFunction<Alert> alert) throws Exception {
        String id = idOf(t);
        Incident inc = incidents.get(id);
        if (inc != null && (inc.firing || (neverResolves && inc.lastTriggerTs == t.ts))) {
            return null;
        }
        if (inc == null) {
            inc = new Incident();
        }
        inc.episode++;
        // A rule that never resolves leaves no incident firing: a later trigger is a new episode.
        inc.firing = !neverResolves;
        inc.lastTriggerTs = t.ts;
        inc.lastChange = t.ts;
        inc.subject = t.subject;
        inc.alert = alert.apply(inc.episode);
        incidents.put(id, inc);
        return inc;
    }

    /** The firing incidents. */
    List<Incident> firing() throws Exception {
        List<Incident> out = new ArrayList<>();
        for (Incident inc : incidents.values()) {
            if (inc.firing) {
                out.add(inc);
            }
        }
        return out;
    }

    /**
     * Ends, at {@code ts}, every firing incident that began by then and that {@code ends} selects;
     * returns them, in the book's order.
     */
    List<Incident> resolve(long ts, Predicate<Incident> ends) throws Exception {
        List<Map.Entry<String, Incident>> ended = new ArrayList<>();
        for (Map.Entry<String, Incident> e : incidents.entries()) {
            Incident inc = e.getValue();
            if (inc.firing && inc.alert.getTs() <= ts && ends.test(inc)) {
                ended.add(e);
            }
        }
        List<Incident> out = new ArrayList<>();
        for (Map.Entry<String, Incident> e : ended) {
            Incident inc = e.getValue();
            inc.firing = false;
            inc.lastChange = ts;
            incidents.put(e.getKey(), inc);
            out.add(inc);
        }
        return out;
    }

    /** When an incident ended at {@code ts} is forgotten. */
    long forgottenAt(long ts) {
        return ts + retentionMs;
    }

    /** Forgets the incidents that ended more than the retention before {@code now}. */
    void forget(long now) throws Exception {
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Incident> e : incidents.entries()) {
            Incident inc = e.getValue();
            if (!inc.firing && inc.lastChange + retentionMs <= now) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            incidents.remove(id);
        }
    }
}
