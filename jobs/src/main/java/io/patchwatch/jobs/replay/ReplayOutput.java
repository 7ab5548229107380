package io.patchwatch.jobs.replay;

import io.patchwatch.jobs.status.StatusChange;
import io.patchwatch.jobs.noise.HeldIncident;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.DeadLetter;

/** One item a replay collects: exactly one field is set. A Flink POJO. */
public class ReplayOutput {
    public Alert alert;
    public DeadLetter deadLetter;
    public ReaderTotals totals;
    public HeldIncident held;
    public StatusChange status;

    public ReplayOutput() {}

    static ReplayOutput of(Alert a) {
        ReplayOutput o = new ReplayOutput();
        o.alert = a;
        return o;
    }

    static ReplayOutput of(DeadLetter d) {
        ReplayOutput o = new ReplayOutput();
        o.deadLetter = d;
        return o;
    }

    static ReplayOutput of(ReaderTotals t) {
        ReplayOutput o = new ReplayOutput();
        o.totals = t;
        return o;
    }

    static ReplayOutput of(StatusChange s) {
        ReplayOutput o = new ReplayOutput();
        o.status = s;
        return o;
    }

    static ReplayOutput of(HeldIncident h) {
        ReplayOutput o = new ReplayOutput();
        o.held = h;
        return o;
    }
}
