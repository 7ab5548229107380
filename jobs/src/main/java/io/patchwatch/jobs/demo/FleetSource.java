package io.patchwatch.jobs.demo;

import io.patchwatch.connectors.adapters.RawRecord;
import java.util.Iterator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * A bounded Flink source of a simulated night. The plan (a few KB) travels with the job; the events
 * are generated in the task, in time order, so a night of millions of events never sits in memory.
 * Runs with parallelism 1: the generator hands out the night's events in sequence.
 */
public final class FleetSource {
    private FleetSource() {}

    public static DataGeneratorSource<RawRecord> of(FleetPlan plan) {
        return new DataGeneratorSource<>(new Generator(plan), FleetEvents.count(plan), TypeInformation.of(RawRecord.class));
    }

    private static final class Generator implements GeneratorFunction<Long, RawRecord> {
        private static final long serialVersionUID = 1L;
        private final FleetPlan plan;
        private transient Iterator<RawRecord> events;

        Generator(FleetPlan plan) {
            this.plan = plan;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            events = new FleetEvents(plan);
        }

        @Override
        public RawRecord map(Long index) {
            return events.next();
        }
    }
}
