package io.patchwatch.connectors.adapters.windows;

import io.patchwatch.connectors.adapters.AdapterOutput;
import io.patchwatch.connectors.adapters.AdapterSettings;
import io.patchwatch.connectors.adapters.DeadLetterReason;
import io.patchwatch.connectors.adapters.AdapterMemory;
import io.patchwatch.connectors.adapters.RecordAdapter;
import java.util.Map;

/**
 * Windows System log events, whatever they were shipped as: a parser for the shipping format, then
 * the one {@link WindowsEventMapping}.
 */
abstract class WindowsEventAdapter extends RecordAdapter implements AdapterMemory {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final WindowsEventMapping mapping;

    WindowsEventAdapter(String name, String source, AdapterSettings settings) {
        super(name, settings);
        this.source = source;
        this.mapping = new WindowsEventMapping(settings);
    }

    /** The machines' renames (EventLog 6011): kept in the job's state, so a restart keeps them. */
    @Override
    public Map<String, String> remembered() {
        return mapping.remembered();
    }

    @Override
    public void restore(Map<String, String> remembered) {
        mapping.restore(remembered);
    }

    /** @throws IllegalArgumentException with a sentence saying what is wrong */
    abstract WindowsEvent read(byte[] payload);

    @Override
    protected final void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out) {
        WindowsEvent event;
        try {
            event = read(payload);
        } catch (IllegalArgumentException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, e.getMessage());
            return;
        }
        mapping.map(event, source, out);
    }
}
