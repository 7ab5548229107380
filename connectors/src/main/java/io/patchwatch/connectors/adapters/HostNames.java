package io.patchwatch.connectors.adapters;

import java.util.regex.Pattern;

/**
 * Device names as sources spell them: Windows logs the FQDN ({@code web01.corp.example.com}), pings
 * and RMMs often the short name. patchwatch identifies a device by its short host name, so a DNS
 * suffix is dropped; IP addresses are kept whole.
 */
public final class HostNames {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private HostNames() {}

    public static String device(String host) {
        if (host == null) {
            return null;
        }
        String h = host.strip();
        if (h.isEmpty() || IPV4.matcher(h).matches() || h.contains(":")) {
            return h;
        }
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
