package io.patchwatch.jobs.incident;

import io.patchwatch.jobs.fact.DeviceFact;
import io.patchwatch.jobs.fact.Trigger;
import io.patchwatch.jobs.rules.RuleDefinition;
import io.patchwatch.jobs.rules.RuleParams;
import io.patchwatch.schemas.Alert;
import io.patchwatch.schemas.AlertContext;
import io.patchwatch.schemas.AlertStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an alert (ARCHITECTURE.md "Alert format") from the rule that fired, the fact whose context
 * it tells, and the rule's parameters in force: the message rendered from its template, the KBs of
 * the session (or, for an incident about one update, that update alone), and the stable dedup key
 * {@code tenant/device/rule/sessionStart/episode[/subject]}.
 */
final class AlertFactory {
    private static final long NONE = DeviceFact.NONE;

    private AlertFactory() {}

    static Alert firing(RuleDefinition rule, Trigger t, RuleParams params, int episode) {
        DeviceFact f = t.fact;
        boolean aboutUpdate = rule.subject() == RuleDefinition.Subject.UPDATE;
        String updateName = f.kb != null ? f.kb : f.title != null ? f.title : f.update;
        // An incident about one update names that update alone; any other, the session's updates.
        List<String> kbs = aboutUpdate ? (f.kb != null ? List.of(f.kb) : List.of()) : Arrays.asList(f.kbs);
        List<String> updates = aboutUpdate ? (f.kb != null ? List.of() : Arrays.asList(updateName)) : Arrays.asList(f.updates);
        int moreKbs = aboutUpdate ? 0 : f.moreKbs;
        String service = rule.subject() == RuleDefinition.Subject.SERVICE ? t.subject : null;
        Long installedAt = f.sessionStart == NONE ? null : f.sessionStart;
        Long lastSeen = f.lastSeen == NONE ? null : f.lastSeen;
        Long bootedAt = f.bootedAt == NONE ? null : f.bootedAt;
        Long silentFor = f.silentForS == NONE ? null : f.silentForS;
        List<String> named = new ArrayList<>(kbs);
        named.addAll(updates);
        Map<String, String> vars = new HashMap<>();
        vars.put("device", f.device);
        vars.put("tenant", f.tenant);
        vars.put("site", f.site == null ? "-" : f.site);
        vars.put("kbs", named.isEmpty() ? "no KB" : String.join(", ", named) + (moreKbs > 0 ? " +" + moreKbs + " more" : ""));
        vars.put("service", service == null ? "-" : service);
        vars.put("update", updateName == null ? "-" : updateName);
        vars.put("error", f.error == null ? "unknown" : f.error);
        vars.put("window", AlertMessages.duration(t.windowMs));
        vars.put("silent_for", silentFor == null ? "-" : AlertMessages.duration(silentFor * 1000));
        vars.put("installed_at", AlertMessages.time(installedAt));
        vars.put("last_seen", AlertMessages.time(lastSeen));
        vars.put("booted_at", AlertMessages.time(bootedAt));
        String dedupKey = f.tenant + "/" + f.device + "/" + rule.id() + "/" + (installedAt == null ? 0 : installedAt)
                + "/" + episode + (t.subject == null ? "" : "/" + t.subject);
        return Alert.newBuilder()
                .setRule(rule.id())
                .setStatus(AlertStatus.firing)
                .setTs(t.ts)
                .setSeverity(params.severity())
                .setTenant(f.tenant)
                .setSite(f.site)
                .setDevice(f.device)
                .setKbs(kbs)
                .setService(service)
                .setMessage(AlertMessages.render(params.message(), vars))
                .setContext(AlertContext.newBuilder()
                        .setInstalledAt(installedAt)
                        .setLastSeen(lastSeen)
                        .setBootedAt(bootedAt)
                        .setSilentForS(silentFor)
                        .setUpdate(f.update)
                        .setError(f.error)
                        .setUpdates(updates)
                        .setRuleVersion(t.rulesVersion > 0 ? t.rulesVersion : null)
                        .build())
                .setDedupKey(dedupKey)
                .build();
    }

    /** The resolve of a firing alert: the same alert, resolved at {@code ts}, with a reason or none. */
    static Alert resolved(Alert firing, long ts, String reason) {
        return Alert.newBuilder(firing).setStatus(AlertStatus.resolved).setTs(ts).setReason(reason).build();
    }
}
