package io.patchwatch.jobs.settings;

import io.patchwatch.connectors.config.ConfigOption;
import io.patchwatch.connectors.config.ConfigOptions;
import io.patchwatch.jobs.device.DeviceTracker;
import java.time.Duration;
import java.util.List;

/** job.yaml's {@code time:} keys: how the job treats time (their defaults are {@link JobSettings}' defaults). */
public final class TimeOptions {
    private TimeOptions() {}

    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = ConfigOptions.key("out_of_orderness").durationType()
            .defaultValue(Duration.ofSeconds(5)).withDescription("How late an event may arrive and still be decided in order.");
    public static final ConfigOption<Duration> IDLENESS = ConfigOptions.key("idleness").durationType()
            .defaultValue(Duration.ofSeconds(30)).withDescription("After this long without events an input follows the wall clock.")
            .checkedBy(ConfigOptions.positive());
    public static final ConfigOption<Duration> WALL_CLOCK_FLOOR = ConfigOptions.key("wall_clock_floor").durationOrOffType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription("The watermark never falls further behind the wall clock than this; off: event time only.");
    public static final ConfigOption<Duration> MAX_FUTURE = ConfigOptions.key("max_future").durationType()
            .defaultValue(Duration.ofMinutes(15)).withDescription("Events further ahead of the wall clock are dead letters.");
    public static final ConfigOption<Duration> MAX_PAST = ConfigOptions.key("max_past").durationType()
            .defaultValue(Duration.ofDays(7)).withDescription("Events further behind the newest event are dead letters.");
    /** Its default is the tracker's own ({@link DeviceTracker#DEFAULT_EXPIRY}): the engine runs without a job.yaml too. */
    public static final ConfigOption<Duration> DEVICE_EXPIRY = ConfigOptions.key("device_expiry").durationOrOffType()
            .defaultValue(DeviceTracker.DEFAULT_EXPIRY)
            .withDescription("A device that sent nothing this long is forgotten (its state expires); off: never.");
    public static final List<ConfigOption<?>> ALL = List.of(OUT_OF_ORDERNESS, IDLENESS, WALL_CLOCK_FLOOR, MAX_FUTURE, MAX_PAST,
            DEVICE_EXPIRY);
}
