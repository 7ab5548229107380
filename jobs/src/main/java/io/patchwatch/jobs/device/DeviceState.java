package io.patchwatch.jobs.device;

/**
 * What the tracker keeps for every device, quiet or not. Kept small on purpose: a million quiet
 * devices cost a million of these (see the state-size figure in benchmarks/).
 */
public class DeviceState {
    public static final long NONE = Long.MIN_VALUE;

    /**
     * The spelling of the device name first seen (or the inventory's), or null when it is the
     * upper-case form of the key's name, the usual Windows spelling: a million quiet devices should
     * not keep a million copies of what the key already says. See {@link DeviceKeys#displayName}.
     */
    public String name;
    public String site;
    /** The feed (input) its last liveness signal came through: a silent feed explains its silence (FLEET.md). */
    public String lastFeed;
    /** Newest liveness signal applied so far. */
    public long lastSignal = NONE;
    /**
     * The earliest heartbeat or ping seen (NONE: never): a device is judged for silence only from
     * then on. The earliest, not the first to arrive, so that arrival order does not matter.
     */
    public long monitoredSince = NONE;
    /** When the current silence started (lastSignal + N), or NONE while alive. */
    public long silentSince = NONE;
    /** The current silence started inside a patch session (its end is a device_back fact). */
    public boolean silentInSession;
    /**
     * A deadline passed, or a fact that can complete a rule's match went to the rules: only then can
     * an incident be open, so only then do facts that can resolve one go to the incidents.
     */
    public boolean problems;
    /** Until when a fact may continue a rule's match started earlier (facts after it stay here). */
    public long openUntil = NONE;
    /** The earliest deadline pending for this device's rules (its facts are in the deadlines list), or NONE. */
    public long nextDeadline = NONE;
    /** The one event-time timer this device has registered, or NONE. */
    public long timer = NONE;
    /**
     * Whether a patch session is open ({@link #SESSION_OPEN}, {@link #SESSION_NONE}), or {@link
     * #SESSION_UNKNOWN} (a record from before this field): a device with none needs no read of its
     * session (on RocksDB, a read per event it buffers).
     */
    public byte session = SESSION_UNKNOWN;
    /** The earliest event buffered for the timer, NONE when none is, {@link #UNKNOWN}: read the buffer. */
    public long pendingFrom = UNKNOWN;
    /**
     * The job reads the status only: the services last reported not running (upper case), null when
     * none. A service inventory reports every service every few minutes; the status hears only of
     * those whose state changed ({@link ServicesDown}).
     */
    public String[] servicesDown;

    /** Not known: the record was written before the field (a savepoint of an earlier version). */
    public static final long UNKNOWN = Long.MIN_VALUE + 1;
    public static final byte SESSION_UNKNOWN = 0;
    public static final byte SESSION_NONE = 1;
    public static final byte SESSION_OPEN = 2;

    public DeviceState() {}
}
