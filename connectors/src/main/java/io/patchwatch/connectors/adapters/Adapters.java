package io.patchwatch.connectors.adapters;

import io.patchwatch.connectors.adapters.avro.AvroEventAdapter;
import io.patchwatch.connectors.adapters.canonical.CanonicalJsonAdapter;
import io.patchwatch.connectors.adapters.icinga.IcingaAdapter;
import io.patchwatch.connectors.adapters.nagios.NagiosHostCheckAdapter;
import io.patchwatch.connectors.adapters.ping.PingOutputAdapter;
import io.patchwatch.connectors.adapters.rmm.RmmJsonAdapter;
import io.patchwatch.connectors.adapters.rmm.TacticalRmmAdapter;
import io.patchwatch.connectors.adapters.windows.WindowsXmlAdapter;
import io.patchwatch.connectors.adapters.windows.WinlogbeatAdapter;
import java.util.List;

/** Every input format by the name job.yaml and {@code patchwatch replay --format} use. */
public final class Adapters {
    public static final List<String> NAMES = List.of(
            CanonicalJsonAdapter.NAME, AvroEventAdapter.NAME, WindowsXmlAdapter.NAME, WinlogbeatAdapter.NAME, RmmJsonAdapter.NAME,
            TacticalRmmAdapter.NAME, PingOutputAdapter.NAME, NagiosHostCheckAdapter.NAME, IcingaAdapter.NAME);

    private Adapters() {}

    /**
     * The adapter of a format, with the validation every format shares ({@link ValidatedAdapter}).
     *
     * @throws IllegalArgumentException naming the known formats when {@code name} is not one
     */
    public static EventAdapter create(String name, AdapterSettings settings) {
        return ValidatedAdapter.of(withoutValidation(name, settings), settings.maxRecordBytes());
    }

    /**
     * The format's own parser without the shared validation: for the benchmark that measures what
     * the validation costs, never for the job (it would let unchecked events through).
     */
    public static EventAdapter withoutValidation(String name, AdapterSettings settings) {
        return switch (name) {
            case CanonicalJsonAdapter.NAME -> new CanonicalJsonAdapter(settings.maxRecordBytes());
            case AvroEventAdapter.NAME -> new AvroEventAdapter(settings);
            case WindowsXmlAdapter.NAME -> new WindowsXmlAdapter(settings);
            case WinlogbeatAdapter.NAME -> new WinlogbeatAdapter(settings);
            case RmmJsonAdapter.NAME -> new RmmJsonAdapter(settings);
            case TacticalRmmAdapter.NAME -> new TacticalRmmAdapter(settings);
            case PingOutputAdapter.NAME -> new PingOutputAdapter(settings);
            case NagiosHostCheckAdapter.NAME -> new NagiosHostCheckAdapter(settings);
            case IcingaAdapter.NAME -> new IcingaAdapter(settings);
            default -> throw new IllegalArgumentException(
                    "unknown format '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
    }

    /** Formats whose records span lines: a replay file holds one record, or records separated by "=====". */
    public static boolean multiLine(String name) {
        return name.equals(PingOutputAdapter.NAME) || name.equals(IcingaAdapter.NAME) || name.equals(TacticalRmmAdapter.NAME);
    }
}
