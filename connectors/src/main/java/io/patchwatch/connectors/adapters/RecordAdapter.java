package io.patchwatch.connectors.adapters;

/**
 * Base of the adapters: the name, the settings, and the checks every record gets before its format
 * is looked at (empty, over the size limit).
 */
public abstract class RecordAdapter implements EventAdapter {
    private static final long serialVersionUID = 1L;

    protected final AdapterSettings settings;
    private final String name;

    protected RecordAdapter(String name, AdapterSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void parse(byte[] payload, String origin, long recordTimestamp, AdapterOutput out) {
        if (AdapterSupport.acceptable(payload, settings.maxRecordBytes(), out)) {
            parseRecord(payload, recordTimestamp, out);
        }
    }

    /** Parses a record that is neither empty nor too large. */
    protected abstract void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out);
}
