package io.patchwatch.jobs.cli;

import io.patchwatch.connectors.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** A duration option in the syntax of the config files (90s, 10m, 4h, 7d). */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
