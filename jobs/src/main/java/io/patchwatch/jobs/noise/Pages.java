package io.patchwatch.jobs.noise;

import io.patchwatch.jobs.incident.AlertMessages;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The alerts noise control sends: an incident's page (with when it was sent, what held it, the
 * window it outlasted), a grouped page, the site-outage and flapping parents, and resolves that
 * repeat exactly what was paged.
 */
final class Pages {
    /** A grouped or site-outage page lists at most this many subjects or devices. */
    static final int LISTED = 20;

    private Pages() {}

    /** The firing of {@code n} as it is sent at {@code t}. */
    static Alert page(Notice n, long t) {
        AlertContext.Builder c = AlertContext.newBuilder(n.alert.getContext()).setPagedAt(t).setHeldBy(n.heldBy).setParent(n.parent);
        String message = n.alert.getMessage();
        if (n.maintenance != null) {
            c.setMaintenance(n.maintenance);
            message += " (still broken at the end of maintenance window " + n.maintenance + ")";
        }
        return Alert.newBuilder(n.alert).setMessage(message).setContext(c.build()).build();
    }

    /** One page for a leader and the subjects that fired within group_wait of it. */
    static Alert grouped(Notice leader, List<Notice> members, long t) {
        Alert a = page(leader, t);
        List<String> subjects = new ArrayList<>();
        subjects.add(subjectOf(leader.alert));
        for (Notice m : members) {
            subjects.add(subjectOf(m.alert));
        }
        int count = subjects.size();
        String message = a.getMessage() + " (and " + (count - 1) + " more: "
                + String.join(", ", subjects.subList(1, Math.min(count, LISTED))) + (count > LISTED ? ", ..." : "") + ")";
        return Alert.newBuilder(a).setMessage(message).setContext(AlertContext.newBuilder(a.getContext())
                .setSubjects(subjects.subList(0, Math.min(count, LISTED))).setSubjectCount(count).build()).build();
    }

    static String subjectOf(Alert a) {
        if (a.getService() != null) {
            return a.getService();
        }
        if (!a.getKbs().isEmpty()) {
            return a.getKbs().get(0);
        }
        return a.getContext().getUpdate() != null ? a.getContext().getUpdate() : a.getDevice();
    }

    /** The resolve of what was paged, at {@code ts}. */
    static Alert resolved(Alert paged, long ts, String reason) {
        return Alert.newBuilder(paged).setStatus(AlertStatus.resolved).setTs(ts).setReason(reason).build();
    }

    /** The site-outage page: the count and percent, the first devices, the KBs of their sessions. */
    static Alert siteOutage(String tenant, String site, long ts, List<String> devices, Map<String, Integer> kbCounts,
                            int monitored, long withinMs, Integer ruleVersion) {
        int count = devices.size();
        Double percent = monitored > 0 ? Math.round(1000.0 * count / monitored) / 10.0 : null;
        Map<String, Integer> kbs = new TreeMap<>(kbCounts);
        String siteName = site == null ? "-" : site;
        String message = "Site " + siteName + " (" + tenant + "): " + count + (monitored > 0 ? " of " + monitored : "")
                + " monitored devices went silent within " + AlertMessages.duration(withinMs)
                + (percent != null ? " (" + percent + " %)" : "") + (kbs.isEmpty() ? "" : ", during the installation of "
                + String.join(", ", kbs.keySet().stream().limit(LISTED).toList()));
        return Alert.newBuilder()
                .setRule("site-outage").setStatus(AlertStatus.firing).setTs(ts).setSeverity("critical")
                .setTenant(tenant).setSite(site).setDevice("site:" + siteName)
                .setKbs(new ArrayList<>(kbs.keySet()).subList(0, Math.min(kbs.size(), LISTED)))
                .setMessage(message)
                .setContext(AlertContext.newBuilder()
                        .setPagedAt(ts).setCount(count).setPercent(percent)
                        .setDevices(new ArrayList<>(devices.subList(0, Math.min(count, LISTED))))
                        .setKbCounts(new LinkedHashMap<>(kbs))
                        .setRuleVersion(ruleVersion)
                        .build())
                .setDedupKey(tenant + "/site:" + siteName + "/site-outage/" + ts)
                .build();
    }

    /** The flapping page for a (rule, subject) of a device: the count and the firings' times. */
    static Alert flapping(Alert firing, String subject, List<Long> firings, long withinMs) {
        String what = firing.getRule() + (subject.isEmpty() ? "" : " (" + subjectOf(firing) + ")");
        return Alert.newBuilder()
                .setRule("flapping").setStatus(AlertStatus.firing).setTs(firing.getTs()).setSeverity(firing.getSeverity())
                .setTenant(firing.getTenant()).setSite(firing.getSite()).setDevice(firing.getDevice())
                .setKbs(firing.getKbs()).setService(firing.getService())
                .setMessage(firing.getDevice() + ": " + what + " fired " + firings.size() + " times within "
                        + AlertMessages.duration(withinMs) + "; later episodes are held until it stays resolved")
                .setContext(AlertContext.newBuilder()
                        .setPagedAt(firing.getTs()).setCount(firings.size()).setEpisodes(new ArrayList<>(firings))
                        .setInstalledAt(firing.getContext().getInstalledAt())
                        .setRuleVersion(firing.getContext().getRuleVersion())
                        .build())
                .setDedupKey(firing.getTenant() + "/" + firing.getDevice() + "/flapping/" + firing.getRule()
                        + (subject.isEmpty() ? "" : "/" + subject) + "/" + firing.getTs())
                .build();
    }
}
