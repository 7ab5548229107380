package io.patchwatch.connectors.sinks.delivery;

import java.io.Serializable;

/**
 * Builds a sink's receiver where the sink runs (it travels with the job graph, so it must be
 * serializable). The job's reads its secrets from the TaskManager's environment; a test hands in a
 * scripted receiver.
 */
@FunctionalInterface
public interface ReceiverFactory extends Serializable {

    AlertReceiver create(SinkSpec spec);

    /** The real receiver of the sink's type, its secrets read from this process's environment. */
    static ReceiverFactory fromEnvironment(String version) {
        return spec -> Receivers.create(spec, System.getenv(), version);
    }
}
