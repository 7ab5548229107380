package io.patchwatch.jobs.status;

import io.patchwatch.connectors.kafka.AvroSingleObject;
import io.patchwatch.schemas.DeviceStatus;
import io.patchwatch.schemas.PatchState;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.message.BinaryMessageDecoder;

/**
 * The newest status of every device, as read from the status topic (a tombstone forgets a device),
 * and what the morning after asks of it: counts per tenant, site and ring, the devices in a state.
 * A record that cannot be decoded is counted, never fatal. Thread-safe: the status page reads it
 * while its consumer writes.
 */
public final class FleetStatus {
    /** Reads records of the current DeviceStatus schema and of every released one. */
    private static final BinaryMessageDecoder<DeviceStatus> DECODER =
            AvroSingleObject.decoderOfEveryRelease(DeviceStatus.createDecoder(null), "DeviceStatus");

    private final Map<String, DeviceStatus> devices = new TreeMap<>();
    private long unreadable;
    private long changes;

    /** Takes one record of the topic; false when it could not be read (counted). */
    public synchronized boolean take(byte[] key, byte[] value) {
        if (key == null) {
            unreadable++;
            return false;
        }
        String k = new String(key, StandardCharsets.UTF_8);
        changes++;
        if (value == null) {
            devices.remove(k);
            return true;
        }
        try {
            devices.put(k, DECODER.decode(ByteBuffer.wrap(value)));
            return true;
        } catch (Exception e) {
            // Untrusted bytes (another writer, a newer schema): counted and shown, never a blank view.
            unreadable++;
            return false;
        }
    }

    /** Devices as a test or a replay knows them. */
    public synchronized void put(String key, DeviceStatus s) {
        devices.put(key, s);
        changes++;
    }

    public synchronized List<DeviceStatus> devices(DeviceFilter filter) {
        List<DeviceStatus> list = new ArrayList<>();
        for (DeviceStatus s : devices.values()) {
            if (filter.matches(s)) {
                list.add(s);
            }
        }
        return list;
    }

    public synchronized DeviceStatus device(String key) {
        return devices.get(key);
    }

    public synchronized int size() {
        return devices.size();
    }

    /** Records that could not be decoded. */
    public synchronized long unreadable() {
        return unreadable;
    }

    /** How many records were taken (a change for whoever shows it). */
    public synchronized long changes() {
        return changes;
    }

    /** Counts per state of each (tenant, site[, ring]) of the devices the filter lets through, in name order. */
    public synchronized List<Count> count(DeviceFilter filter, boolean byRing) {
        Map<String, Count> rows = new TreeMap<>();
        for (DeviceStatus s : devices.values()) {
            if (!filter.matches(s)) {
                continue;
            }
            String site = s.getSite() == null ? "" : s.getSite();
            String ring = byRing ? s.getRing() : null;
            String id = s.getTenant() + "\u0000" + site + "\u0000" + (ring == null ? "" : ring);
            rows.computeIfAbsent(id, x -> new Count(s.getTenant(), site, ring, new EnumMap<>(PatchState.class)))
                    .states().merge(s.getState(), 1, Integer::sum);
        }
        return new ArrayList<>(rows.values());
    }

    /** The devices of one (tenant, site, ring) per state; {@code ring} null when not counted by ring. */
    public record Count(String tenant, String site, String ring, Map<PatchState, Integer> states) {
        public int of(PatchState state) {
            return states.getOrDefault(state, 0);
        }

        public int total() {
            return states.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * A state as operators write it: {@code pending-reboot} or {@code pending_reboot}, any case.
     *
     * @throws IllegalArgumentException naming the states
     */
    public static PatchState state(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (PatchState s : PatchState.values()) {
            if (s.name().equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown state '" + name + "' (one of " + stateNames() + ")");
    }

    /** The states as the command line and the page name them. */
    public static List<String> stateNames() {
        List<String> names = new ArrayList<>();
        for (PatchState s : PatchState.values()) {
            names.add(s.name().replace('_', '-'));
        }
        return names;
    }
}
