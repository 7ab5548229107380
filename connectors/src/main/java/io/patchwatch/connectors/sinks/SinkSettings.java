package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.config.SecretRef;
import java.io.Serializable;
import java.util.List;

/** A sink's own settings, as its {@link SinkFactory} read them. */
public interface SinkSettings extends Serializable {

    /** The secrets it refers to, so a local run can check at start that each can be read. */
    List<SecretRef> secrets();
}
