package io.patchwatch.connectors.sinks;

import io.patchwatch.connectors.config.ConfigProblems;
import io.patchwatch.connectors.config.LocatedYaml;
import io.patchwatch.connectors.config.YamlSection;
import io.patchwatch.connectors.sinks.delivery.AlertRoute;
import io.patchwatch.connectors.sinks.delivery.DeliveryPolicy;
import io.patchwatch.connectors.sinks.delivery.SinkSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code sinks:} of job.yaml, read into {@link SinkSpec}s: the keys every sink has here, its
 * own keys by its {@link SinkFactory}. A key of another sink type is named as such (a HEC index on
 * PagerDuty does nothing), secrets only by reference, so a mistake stops {@code patchwatch run} or
 * {@code submit} with its place instead of failing on the TaskManager at the first alert.
 */
public final class SinkSpecs {
    private SinkSpecs() {}

    /** The enabled sinks of the list; every mistake is recorded in the sections' problems. */
    public static List<SinkSpec> read(List<YamlSection> sinks) {
        List<SinkSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (YamlSection sink : sinks) {
            String name = sink.get(SinkOptions.NAME);
            if (name != null && !names.add(name)) {
                sink.problem("name", "a second sink named '" + name + "'");
            }
            SinkSpec spec = read(sink, name);
            if (spec != null && sink.get(SinkOptions.ENABLED)) {
                specs.add(spec);
            }
        }
        return List.copyOf(specs);
    }

    /** The sinks of a file whose top level has only {@code sinks:} (tests, tools); every mistake at once. */
    public static List<SinkSpec> parse(byte[] yaml, String file) {
        ConfigProblems problems = new ConfigProblems(file);
        YamlSection root = LocatedYaml.read(yaml, problems, "sinks");
        root.refuseUnknown(List.of("sinks"));
        List<SinkSpec> specs = read(root.sections("sinks"));
        problems.throwIfAny();
        return specs;
    }

    private static SinkSpec read(YamlSection sink, String name) {
        String type = sink.get(SinkOptions.TYPE);
        SinkFactory<?> factory = type == null ? null : SinkRegistry.find(type).orElse(null);
        if (type != null && factory == null) {
            sink.problem("type", "unknown sink type '" + type + "' (known: " + String.join(", ", SinkRegistry.types()) + ")");
        }
        refuseForeignKeys(sink, factory);
        AlertRoute route = route(sink.section("route"));
        YamlSection delivery = sink.section("delivery");
        delivery.refuseUnknown(YamlSection.keysOf(SinkOptions.Delivery.ALL));
        if (factory == null) {
            return null;
        }
        int before = sink.problems().list().size();
        SinkSettings settings = factory.settings(sink);
        if (sink.problems().list().size() > before) {
            return null; // the settings of a sink with mistakes are never used
        }
        DeliveryPolicy policy = policy(delivery, SinkRegistry.resendInterval(factory, settings));
        return policy == null ? null : new SinkSpec(name, type, settings, route, policy);
    }

    private static AlertRoute route(YamlSection route) {
        route.refuseUnknown(YamlSection.keysOf(SinkOptions.Route.ALL));
        return new AlertRoute(Set.copyOf(route.get(SinkOptions.Route.TENANTS)), Set.copyOf(route.get(SinkOptions.Route.SEVERITIES)),
                Set.copyOf(route.get(SinkOptions.Route.RULES)));
    }

    private static DeliveryPolicy policy(YamlSection d, Duration resendInterval) {
        Duration initial = d.get(SinkOptions.Delivery.BACKOFF_INITIAL);
        Duration max = d.get(SinkOptions.Delivery.BACKOFF_MAX);
        if (max.compareTo(initial) < 0) {
            d.problem("backoff_max", "must be at least backoff_initial (" + io.patchwatch.connectors.config.Durations.format(initial) + ")");
            return null;
        }
        return new DeliveryPolicy(d.get(SinkOptions.Delivery.MAX_IN_FLIGHT), d.get(SinkOptions.Delivery.TIMEOUT), initial, max,
                d.get(SinkOptions.Delivery.MAX_AGE), d.get(SinkOptions.Delivery.MAX_PENDING), resendInterval,
                d.get(SinkOptions.Delivery.MAX_RETRY_AFTER));
    }

    /** Keys of no sink are unknown; keys of another sink type are named as such. */
    private static void refuseForeignKeys(YamlSection sink, SinkFactory<?> factory) {
        Set<String> own = new HashSet<>(YamlSection.keysOf(SinkOptions.COMMON));
        own.addAll(List.of("route", "delivery"));
        if (factory != null) {
            own.addAll(YamlSection.keysOf(factory.options()));
        }
        for (String key : sink.keys()) {
            if (own.contains(key)) {
                continue;
            }
            Set<String> others = new LinkedHashSet<>();
            for (SinkFactory<?> f : SinkRegistry.factories()) {
                if (YamlSection.keysOf(f.options()).contains(key)) {
                    others.add(f.type());
                }
            }
            if (factory != null && !others.isEmpty()) {
                sink.problemAtKey(key, "not a setting of a " + factory.type() + " sink (it is one of " + String.join(", ", others) + ")");
            } else if (others.isEmpty()) {
                Set<String> known = new java.util.TreeSet<>(own);
                sink.problemAtKey(key, "unknown key (known here: " + String.join(", ", known) + ")");
            }
        }
    }
}
