package io.patchwatch.connectors.adapters.windows;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Service short names (Spooler, MSSQLSERVER) from what Service Control Manager events carry: the
 * Binary field when present (UTF-16LE {@code "WerSvc/4"}: the short name, then the state code), else
 * the display name through a table of the common server roles, extendable in job.yaml. A display
 * name the table does not know stays as it is: that is the name the event gives, not a guess.
 */
public final class ServiceNames implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern SQL_INSTANCE = Pattern.compile("SQL Server \\((.+)\\)");
    private static final Pattern SQL_AGENT = Pattern.compile("SQL Server Agent \\((.+)\\)");

    /** Display name (lower case) to short name, for the roles patch nights break most. */
    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("print spooler", "Spooler"),
            Map.entry("world wide web publishing service", "W3SVC"),
            Map.entry("windows process activation service", "WAS"),
            Map.entry("iis admin service", "IISADMIN"),
            Map.entry("windows remote management (ws-management)", "WinRM"),
            Map.entry("windows update", "wuauserv"),
            Map.entry("background intelligent transfer service", "BITS"),
            Map.entry("dns server", "DNS"),
            Map.entry("dns client", "Dnscache"),
            Map.entry("dhcp server", "DHCPServer"),
            Map.entry("active directory domain services", "NTDS"),
            Map.entry("active directory web services", "ADWS"),
            Map.entry("netlogon", "Netlogon"),
            Map.entry("kerberos key distribution center", "Kdc"),
            Map.entry("dfs replication", "DFSR"),
            Map.entry("remote desktop services", "TermService"),
            Map.entry("server", "LanmanServer"),
            Map.entry("workstation", "LanmanWorkstation"),
            Map.entry("task scheduler", "Schedule"),
            Map.entry("windows event log", "EventLog"),
            Map.entry("windows error reporting service", "WerSvc"),
            Map.entry("windows time", "W32Time"),
            Map.entry("windows defender antivirus service", "WinDefend"),
            Map.entry("microsoft defender antivirus service", "WinDefend"),
            Map.entry("hyper-v virtual machine management", "vmms"),
            Map.entry("microsoft exchange information store", "MSExchangeIS"),
            Map.entry("microsoft exchange transport", "MSExchangeTransport"),
            Map.entry("sql server browser", "SQLBrowser"),
            Map.entry("sql server reporting services", "SQLServerReportingServices"),
            Map.entry("sql server integration services 15.0", "MsDtsServer150"),
            Map.entry("distributed transaction coordinator", "MSDTC"),
            Map.entry("windows management instrumentation", "Winmgmt"),
            Map.entry("remote procedure call (rpc)", "RpcSs"),
            Map.entry("certificate services", "CertSvc"),
            Map.entry("active directory certificate services", "CertSvc"),
            Map.entry("file server resource manager", "SrmSvc"),
            Map.entry("windows internal database", "MSSQL$MICROSOFT##WID"),
            Map.entry("wsus service", "WsusService"));

    private final Map<String, String> table;

    public ServiceNames(Map<String, String> extra) {
        table = new HashMap<>(BUILT_IN);
        extra.forEach((display, shortName) -> table.put(display.toLowerCase(Locale.ROOT), shortName));
    }

    /** The short name in a SCM Binary field ("WerSvc/4" in UTF-16LE), or null. */
    public static String fromBinary(byte[] binary) {
        String decoded = binaryText(binary);
        if (decoded == null) {
            return null;
        }
        int slash = decoded.indexOf('/');
        String name = slash > 0 ? decoded.substring(0, slash) : decoded;
        return name.matches("[A-Za-z0-9_$#.\\-]{1,256}") ? name : null;
    }

    /** The state code after the slash in a 7036 Binary field ("WerSvc/4": 4 = running), or -1. */
    public static int stateCodeFromBinary(byte[] binary) {
        String decoded = binaryText(binary);
        if (decoded == null) {
            return -1;
        }
        int slash = decoded.indexOf('/');
        try {
            return slash > 0 ? Integer.parseInt(decoded.substring(slash + 1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The short name of a display name: the table, SQL Server instance names, else the display name. */
    public String fromDisplayName(String display) {
        String known = table.get(display.strip().toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        Matcher agent = SQL_AGENT.matcher(display.strip());
        if (agent.matches()) {
            return agent.group(1).equalsIgnoreCase("MSSQLSERVER") ? "SQLSERVERAGENT" : "SQLAgent$" + agent.group(1);
        }
        Matcher sql = SQL_INSTANCE.matcher(display.strip());
        if (sql.matches()) {
            return sql.group(1).equalsIgnoreCase("MSSQLSERVER") ? "MSSQLSERVER" : "MSSQL$" + sql.group(1);
        }
        return display.strip();
    }

    private static String binaryText(byte[] binary) {
        if (binary == null || binary.length < 2 || binary.length % 2 != 0) {
            return null;
        }
        String s = new String(binary, StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        s = nul >= 0 ? s.substring(0, nul) : s;
        return s.isEmpty() ? null : s;
    }
}
