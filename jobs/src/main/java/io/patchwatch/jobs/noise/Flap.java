package io.patchwatch.jobs.noise;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;

/** The firings of one (rule, subject) on one device, counted for flapping. A Flink POJO. */
public class Flap {
    public String rule;
    /** The subject in lower case ("" for the device). */
    public String subject;
    /** Firing times within flapping.within of the newest. */
    public List<Long> firings = new ArrayList<>();
    /** The flapping incident, while it fires (null: not flapping). */
    public Alert alert;
    public long lastResolve = Notice.NONE;
    public int firingNow;

    public Flap() {}
}
