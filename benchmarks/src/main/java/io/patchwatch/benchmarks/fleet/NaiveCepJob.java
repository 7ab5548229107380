package io.patchwatch.benchmarks.fleet;

import io.patchwatch.jobs.PatchwatchJob;
import io.patchwatch.schemas.DeviceEvent;
import io.patchwatch.schemas.EventKind;
import io.patchwatch.schemas.ServiceState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.functions.TimedOutPartialMatchHandler;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The obvious design, for comparison: every event, heartbeats included, into Flink CEP with the two
 * mission patterns, keyed by device, in event time:
 * "patch installed, then no liveness signal (any event but a failed ping) within N" and "booted, then
 * the critical service not running within M"; an alert is a timed-out partial match.
 */
public final class NaiveCepJob {
    private static final OutputTag<String> TIMEOUTS = new OutputTag<>("timeouts", Types.STRING);

    private NaiveCepJob() {}

    /** Alerts as "rule|device". */
    public static DataStream<String> define(DataStream<DeviceEvent> timed, Duration n, Duration m) {
        KeyedStream<DeviceEvent, String> byDevice = timed.keyBy(new PatchwatchJob.EventKey());

        Pattern<DeviceEvent, ?> offline = Pattern.<DeviceEvent>begin("installed")
                .where(kind(EventKind.patch_installed))
                .followedBy("alive")
                .where(new SimpleCondition<>() {
                    @Override
                    public boolean filter(DeviceEvent e) {
                        return e.getKind() != EventKind.ping || Boolean.TRUE.equals(e.getOk());
                    }
                })
                .within(n);
        Pattern<DeviceEvent, ?> serviceDown = Pattern.<DeviceEvent>begin("booted")
                .where(kind(EventKind.booted))
                .followedBy("running")
                .where(new SimpleCondition<>() {
                    @Override
                    public boolean filter(DeviceEvent e) {
                        return e.getKind() == EventKind.service_state && e.getState() == ServiceState.running
                                && PatchTuesday.SERVICE.equalsIgnoreCase(e.getService());
                    }
                })
                .within(m);

        SingleOutputStreamOperator<String> a = CEP.pattern(byDevice, offline)
                .process(new OnTimeout("offline-after-patch", "installed")).name("Naive CEP: installed, no sign of life");
        SingleOutputStreamOperator<String> b = CEP.pattern(byDevice, serviceDown)
                .process(new OnTimeout("service-down-after-reboot", "booted")).name("Naive CEP: booted, service not running");
        return a.getSideOutput(TIMEOUTS).union(b.getSideOutput(TIMEOUTS));
    }

    private static SimpleCondition<DeviceEvent> kind(EventKind kind) {
        return new SimpleCondition<>() {
            @Override
            public boolean filter(DeviceEvent e) {
                return e.getKind() == kind;
            }
        };
    }

    private static final class OnTimeout extends PatternProcessFunction<DeviceEvent, String>
            implements TimedOutPartialMatchHandler<DeviceEvent> {
        private final String rule;
        private final String start;

        OnTimeout(String rule, String start) {
            this.rule = rule;
            this.start = start;
        }

        @Override
        public void processMatch(Map<String, List<DeviceEvent>> match, Context ctx, Collector<String> out) {}

        @Override
        public void processTimedOutMatch(Map<String, List<DeviceEvent>> match, Context ctx) {
            ctx.output(TIMEOUTS, rule + "|" + match.get(start).get(0).getDevice());
        }
    }
}
