package io.patchwatch.jobs.device;

import io.patchwatch.jobs.fact.FactKind;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.ServiceState;
import java.util.Arrays;
import java.util.Locale;

/**
 * Which service reports the device's status hears of: a change only. Service inventories are most
 * of what feeds send besides heartbeats (every service, every few minutes); a report that a service
 * runs, as it did, changes nothing an operator looks at, and costs the status a record shuffled and
 * read. The device keeps the names of its services not running ({@link DeviceState#servicesDown}).
 */
final class ServicesDown {
    private ServicesDown() {}

    /** Whether the status hears of this fact (every kind but an unchanged service state); keeps the services down. */
    static boolean news(DeviceState d, FactKind kind, DeviceEvent e) {
        if ((kind != FactKind.SERVICE_STATE && kind != FactKind.SERVICE_FAILED) || e.getService() == null) {
            return true;
        }
        String service = e.getService().toUpperCase(Locale.ROOT);
        boolean down = kind == FactKind.SERVICE_FAILED || e.getState() != ServiceState.running;
        boolean known = d.servicesDown != null && Arrays.asList(d.servicesDown).contains(service);
        if (down == known) {
            return false;
        }
        if (down) {
            d.servicesDown = d.servicesDown == null ? new String[] {service} : append(d.servicesDown, service);
        } else {
            String[] rest = Arrays.stream(d.servicesDown).filter(x -> !x.equals(service)).toArray(String[]::new);
            d.servicesDown = rest.length == 0 ? null : rest;
        }
        return true;
    }

    private static String[] append(String[] names, String name) {
        String[] more = Arrays.copyOf(names, names.length + 1);
        more[names.length] = name;
        return more;
    }
}
