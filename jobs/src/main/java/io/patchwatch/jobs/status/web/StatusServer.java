package io.patchwatch.jobs.status.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.patchwatch.connectors.json.AlertJson;
import io.patchwatch.connectors.json.StatusJson;
import io.patchwatch.jobs.status.DeviceFilter;
import io.patchwatch.jobs.status.FleetStatus;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The status page (FLEET.md, Patch status): a fleet summary by tenant, site and ring, a device table
 * with filters and search, a device's night as a timeline; live through server-sent events. Every
 * asset is served from the jar (an isolated management network has no CDN); the page builds its
 * DOM with text nodes only and the server forbids inline scripts (Content-Security-Policy), so a
 * device named {@code <script>} is shown as text. No authentication: loopback unless configured.
 */
public final class StatusServer implements AutoCloseable {
    /** Rows of the device table sent at once; the page says how many matched. */
    static final int MAX_ROWS = 500;
    private static final String ASSETS = "/io/patchwatch/jobs/status/web/";
    private static final Map<String, String> PAGES = Map.of(
            "/", "index.html", "/status.js", "status.js", "/status.css", "status.css");
    private static final long EVENT_CHECK_MS = 200;

    private final FleetStatus fleet;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "status-page");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private StatusServer(FleetStatus fleet, HttpServer server) {
        this.fleet = fleet;
        this.server = server;
    }

    /** Serves {@code fleet} on {@code address} (port 0: any free port). */
    public static StatusServer start(FleetStatus fleet, InetSocketAddress address) throws IOException {
        StatusServer s = new StatusServer(fleet, HttpServer.create(address, 0));
        s.server.createContext("/", s::handle);
        s.server.setExecutor(s.threads);
        s.server.start();
        return s;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            if (!"GET".equals(x.getRequestMethod())) {
                send(x, 405, "text/plain", "GET only\n");
                return;
            }
            String path = x.getRequestURI().getPath();
            Map<String, String> q = query(x.getRequestURI().getRawQuery());
            String asset = PAGES.get(path);
            if (asset != null) {
                send(x, 200, contentType(asset), asset(asset));
                return;
            }
            switch (path) {
                case "/api/summary" -> sendJson(x, summary(filter(q)));
                case "/api/devices" -> sendJson(x, devices(filter(q)));
                case "/api/device" -> {
                    DeviceStatus d = q.get("key") == null ? null : fleet.device(q.get("key"));
                    if (d == null) {
                        send(x, 404, "application/json", "{\"error\":\"no such device\"}");
                    } else {
                        sendJson(x, StatusJson.toNode(d));
                    }
                }
                case "/api/events" -> events(x);
                default -> send(x, 404, "text/plain", "not found\n");
            }
        } catch (IllegalArgumentException e) {
            send(x, 400, "application/json", AlertJson.write(AlertJson.object().put("error", e.getMessage())));
        }
    }

    static DeviceFilter filter(Map<String, String> q) {
        String state = q.get("state");
        return new DeviceFilter(q.get("tenant"), q.get("site"), q.get("ring"),
                state == null ? null : FleetStatus.state(state), q.get("kb"), q.get("q"));
    }

    /** Counts per (tenant, site, ring) and per state, of the devices the filter (any state) lets through. */
    private ObjectNode summary(DeviceFilter filter) {
        ObjectNode o = AlertJson.object();
        ArrayNode rows = o.putArray("rows");
        Map<PatchState, Integer> totals = new java.util.EnumMap<>(PatchState.class);
        int devices = 0;
        for (FleetStatus.Count c : fleet.count(filter.anyState(), true)) {
            ObjectNode row = rows.addObject();
            row.put("tenant", c.tenant());
            row.put("site", c.site());
            row.put("ring", c.ring());
            row.put("devices", c.total());
            ObjectNode states = row.putObject("states");
            for (PatchState s : PatchState.values()) {
                states.put(s.name(), c.of(s));
                totals.merge(s, c.of(s), Integer::sum);
            }
            devices += c.total();
        }
        ObjectNode t = o.putObject("totals");
        for (PatchState s : PatchState.values()) {
            t.put(s.name(), totals.getOrDefault(s, 0));
        }
        o.put("devices", devices);
        o.put("unreadable", fleet.unreadable());
        o.put("changes", fleet.changes());
        return o;
    }

    private ObjectNode devices(DeviceFilter filter) {
        List<DeviceStatus> list = fleet.devices(filter);
        ObjectNode o = AlertJson.object();
        o.put("matched", list.size());
        ArrayNode rows = o.putArray("devices");
        for (DeviceStatus d : list.subList(0, Math.min(MAX_ROWS, list.size()))) {
            ObjectNode n = rows.addObject();
            n.put("key", io.patchwatch.jobs.fact.DeviceKeys.key(d.getTenant(), d.getDevice()));
            n.put("tenant", d.getTenant());
            n.put("device", d.getDevice());
            n.put("site", d.getSite());
            n.put("ring", d.getRing());
            n.put("state", d.getState().name());
            AlertJson.putTime(n, "ts", d.getTs());
            n.put("summary", io.patchwatch.jobs.status.StatusLines.why(d));
        }
        return o;
    }

    /** Server-sent events: a "change" whenever the fleet took records, the page then asks again. */
    private void events(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(200, 0);
        OutputStream body = x.getResponseBody();
        long seen = -1;
        try {
            while (!closed) {
                long now = fleet.changes();
                if (now != seen) {
                    seen = now;
                    body.write(("event: change\ndata: " + now + "\n\n").getBytes(StandardCharsets.UTF_8));
                    body.flush();
                }
                Thread.sleep(EVENT_CHECK_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (!v.isEmpty()) {
                q.put(k, v);
            }
        }
        return q;
    }

    private static String contentType(String asset) {
        if (asset.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        return asset.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8";
    }

    private static byte[] asset(String name) throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream(ASSETS + name)) {
            if (in == null) {
                throw new IOException("the page's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }

    private static void sendJson(HttpExchange x, ObjectNode o) throws IOException {
        send(x, 200, "application/json", AlertJson.write(o));
    }

    private static void send(HttpExchange x, int code, String type, String body) throws IOException {
        send(x, code, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int code, String type, byte[] body) throws IOException {
        var h = x.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; frame-ancestors 'none'");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", "no-store");
        x.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            x.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        threads.shutdownNow();
    }
}
