package io.patchwatch.jobs.demo;

import io.patchwatch.jobs.inventory.DeviceInfo;
import io.patchwatch.jobs.inventory.Inventory;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A simulated fleet and its patch night, derived from a seed alone: the same seed gives the same
 * devices, times and faults on the client (for the summary) and in the Flink source (for events).
 *
 * <p>Every device heartbeats once a minute and reports its services' states; between 02:00 and
 * 02:40 it installs the month's updates, restarts, boots 2-6 minutes later and starts its services
 * within 90 seconds. A few percent of devices get one {@link InjectedFault} each.
 *
 * <p>Beyond single devices (FLEET.md): one site loses its uplink from 03:00 to 03:30 (its devices
 * have no other fault, so the site outage is the one thing to page there), one tenant declares a
 * maintenance window over the patch run, and the ping collector that carries another tenant's
 * heartbeats (its own feed; the rest comes through the RMM's) dies from 03:40 to 03:55.
 */
public final class FleetPlan implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Instant NIGHT = Instant.parse("2026-11-10T00:00:00Z");
    public static final Duration LENGTH = Duration.ofHours(5);
    static final String CUMULATIVE = "KB5044284";
    static final String DOTNET = "KB5044099";
    static final String MSRT = "KB890830";
    private static final String[] TENANTS = {"acme", "globex", "initech", "umbrella", "hooli", "stark",
        "wayne", "wonka", "cyberdyne", "soylent", "tyrell", "oscorp", "vandelay", "aperture", "dunder"};
    private static final String[] SITES = {"hq", "branch-1", "branch-2"};

    /** One simulated device and its night. Times are epoch milliseconds. */
    public record Device(
            int index, String tenant, String site, String name, String group, List<String> services,
            int heartbeatOffsetS, long firstInstall, List<String> kbs, long rebootAt, long bootAt,
            InjectedFault fault, String faultService) implements Serializable {}

    /** A site whose uplink is down between {@code from} and {@code to}: none of its devices is heard. */
    public record UplinkLoss(String tenant, String site, long from, long to) implements Serializable {}

    /** The tenant's declared window: 01:30 to 04:00, the rules' default for mode expected. */
    public record Window(String name, String tenant, long from, long to) implements Serializable {}

    /** The feed that carries a tenant's heartbeats, dead between {@code from} and {@code to}. */
    public record CollectorLoss(String feed, String tenant, long from, long to) implements Serializable {}

    /** The feed of everything else: the RMM's. */
    public static final String RMM_FEED = "rmm";

    private final List<Device> devices;
    private final UplinkLoss uplinkLoss;
    private final Window window;
    private final CollectorLoss collector;

    private FleetPlan(List<Device> devices, UplinkLoss uplinkLoss, Window window, CollectorLoss collector) {
        this.devices = devices;
        this.uplinkLoss = uplinkLoss;
        this.window = window;
        this.collector = collector;
    }

    public static FleetPlan create(int deviceCount, int tenantCount, long seed) {
        if (tenantCount < 1 || tenantCount > TENANTS.length) {
            throw new IllegalArgumentException("tenants must be 1-" + TENANTS.length);
        }
        Random rnd = new Random(seed);
        List<InjectedFault> faults = faultDeck(deviceCount, rnd);
        List<Device> devices = new ArrayList<>(deviceCount);
        long night = NIGHT.toEpochMilli();
        UplinkLoss loss = new UplinkLoss(TENANTS[Math.min(1, tenantCount - 1)], "branch-1",
                night + Duration.ofHours(3).toMillis(), night + Duration.ofMinutes(210).toMillis());
        String windowTenant = TENANTS[Math.min(2, tenantCount - 1)];
        CollectorLoss collector = new CollectorLoss("ping-collector", TENANTS[Math.min(3, tenantCount - 1)],
                night + Duration.ofMinutes(220).toMillis(), night + Duration.ofMinutes(235).toMillis());
        Window window = new Window(windowTenant + "-patch-night", windowTenant,
                night + Duration.ofMinutes(90).toMillis(), night + Duration.ofHours(4).toMillis());
        for (int i = 0; i < deviceCount; i++) {
            String tenant = TENANTS[i % tenantCount];
            String site = SITES[(i / tenantCount) % SITES.length];
            int slot = i % 20;
            String group = slot < 4 ? "sql" : slot < 9 ? "web" : slot < 12 ? "print" : null;
            List<String> services = switch (group == null ? "" : group) {
                case "sql" -> List.of("WinRM", "MSSQLSERVER", "SQLSERVERAGENT");
                case "web" -> List.of("WinRM", "W3SVC", "WAS");
                case "print" -> List.of("WinRM", "Spooler");
                default -> List.of("WinRM");
            };
            String prefix = group == null ? "SRV" : switch (group) {
                case "sql" -> "SQL";
                case "web" -> "WEB";
                default -> "PRN";
            };
            InjectedFault fault = faults.get(i);
            if (tenant.equals(loss.tenant()) && site.equals(loss.site())) {
                fault = null; // the site that loses its uplink has that one fault
            }
            if (group == null && (fault == InjectedFault.SERVICE_STOPPED || fault == InjectedFault.SERVICE_CRASH)) {
                fault = null; // only servers with a role have a role service to lose
            }
            List<String> kbs = new ArrayList<>(List.of(CUMULATIVE));
            if (rnd.nextInt(2) == 0 || fault == InjectedFault.PATCH_FAILED) kbs.add(DOTNET);
            if (rnd.nextInt(3) == 0) kbs.add(MSRT);
            long firstInstall = night + Duration.ofHours(2).toMillis() + rnd.nextInt(40 * 60) * 1000L;
            long lastInstall = firstInstall + (kbs.size() - 1) * 45_000L;
            long rebootAt = lastInstall + 60_000L + rnd.nextInt(120) * 1000L;
            long bootAt = fault == InjectedFault.REBOOT_HANG
                    ? rebootAt + Duration.ofMinutes(35 + rnd.nextInt(15)).toMillis()
                    : rebootAt + Duration.ofMinutes(2).toMillis() + rnd.nextInt(240) * 1000L;
            String faultService = fault == InjectedFault.SERVICE_STOPPED || fault == InjectedFault.SERVICE_CRASH
                    ? services.get(1) : null;
            devices.add(new Device(i, tenant, site, String.format("%s-%04d", prefix, i), group, services,
                    rnd.nextInt(60), firstInstall, List.copyOf(kbs), rebootAt, bootAt, fault, faultService));
        }
        return new FleetPlan(devices, loss, window, collector);
    }

    /** About 8.5 % of devices get a fault: 1.5 % never back, 1.5 % hang, 2 % stopped, 1 % crash, 2 % failed, 0.5 % boot loop. */
    private static List<InjectedFault> faultDeck(int n, Random rnd) {
        List<InjectedFault> deck = new ArrayList<>(Collections.nCopies(n, (InjectedFault) null));
        int at = 0;
        at = fill(deck, at, InjectedFault.NEVER_BACK, Math.max(1, n * 15 / 1000));
        at = fill(deck, at, InjectedFault.REBOOT_HANG, Math.max(1, n * 15 / 1000));
        at = fill(deck, at, InjectedFault.SERVICE_STOPPED, Math.max(1, n * 20 / 1000));
        at = fill(deck, at, InjectedFault.SERVICE_CRASH, Math.max(1, n * 10 / 1000));
        at = fill(deck, at, InjectedFault.PATCH_FAILED, Math.max(1, n * 20 / 1000));
        fill(deck, at, InjectedFault.BOOT_LOOP, Math.max(1, n * 5 / 1000));
        Collections.shuffle(deck, rnd);
        return deck;
    }

    private static int fill(List<InjectedFault> deck, int at, InjectedFault f, int count) {
        for (int i = 0; i < count && at < deck.size(); i++) {
            deck.set(at++, f);
        }
        return at;
    }

    public List<Device> devices() {
        return devices;
    }

    public UplinkLoss uplinkLoss() {
        return uplinkLoss;
    }

    public Window window() {
        return window;
    }

    public CollectorLoss collector() {
        return collector;
    }

    /** The feed a record of the night came through: the origin says ({@code feed:sequence}). */
    public static String feedOf(io.patchwatch.connectors.adapters.RawRecord r) {
        int colon = r.origin.indexOf(':');
        return colon > 0 ? r.origin.substring(0, colon) : RMM_FEED;
    }

    /** The window as rules.yaml declares it (FLEET.md "Maintenance windows"). */
    public String maintenanceYaml() {
        return "\nmaintenance:\n"
                + "  - name: " + window.name() + "\n"
                + "    match: {tenant: " + window.tenant() + "}\n"
                + "    start: " + io.patchwatch.connectors.adapters.EventTimes.format(window.from()) + "\n"
                + "    end: " + io.patchwatch.connectors.adapters.EventTimes.format(window.to()) + "\n"
                + "    mode: expected\n";
    }

    public Inventory inventory() {
        List<DeviceInfo> infos = new ArrayList<>();
        for (Device d : devices) {
            infos.add(new DeviceInfo(d.tenant(), d.name(), d.site(), d.group(), d.group() == null ? "normal" : "high"));
        }
        return Inventory.of(infos);
    }

    public long end() {
        return NIGHT.plus(LENGTH).toEpochMilli();
    }
}
