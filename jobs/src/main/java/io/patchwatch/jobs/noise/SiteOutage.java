package io.patchwatch.jobs.noise;

import io.patchwatch.schemas.Alert;
import java.util.ArrayList;
import java.util.List;

/** One site's silences and its outage, if any. A Flink POJO. */
public class SiteOutage {
    /** Devices that went silent within site_outage.within, oldest first, while no outage is decided. */
    public List<String> recentDevices = new ArrayList<>();
    public List<Long> recentTimes = new ArrayList<>();
    /** The outage's alert while it fires, or the last one's (resolved) during its settle. */
    public Alert alert;
    public boolean active;
    /** Covered devices still silent, and the most there were. */
    public int silentCovered;
    public int peak;
    public long resolvedAt = Notice.NONE;
    public int threshold;

    public SiteOutage() {}
}
