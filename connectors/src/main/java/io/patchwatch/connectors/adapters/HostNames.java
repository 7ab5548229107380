package io.patchwatch.connectors.adapters;

/**
 * Device names as sources spell them: Windows logs the FQDN ({@code web01.corp.example.com}), pings
 * and RMMs often the short name. patchwatch identifies a device by its short host name, so a DNS
 * suffix is dropped; IP addresses are kept whole.
 */
public final class HostNames {
    private HostNames() {}

    /**
     * Four dot-separated groups of 1-3 digits. By hand, not a regular expression: every event's
     * device name passes here (twice with the shared validation), heartbeats included.
     */
    static boolean isIpv4(String h) {
        int groups = 0;
        int digits = 0;
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 3) {
                    return false;
                }
            } else if (c == '.' && digits > 0 && groups < 3) {
                groups++;
                digits = 0;
            } else {
                return false;
            }
        }
        return groups == 3 && digits > 0;
    }

    public static String device(String host) {
        if (host == null) {
            return null;
        }
        String h = host.strip();
        if (h.isEmpty() || isIpv4(h) || h.contains(":")) {
            return h;
        }
        int dot = h.indexOf('.');
        return dot > 0 ? h.substring(0, dot) : h;
    }
}
