package io.patchwatch.jobs.rules;

import io.patchwatch.jobs.fact.DeviceFact;
import java.util.Locale;

/** The fields of a fact a rule's condition can test, by the name rules use. */
enum FactField {
    KIND(Type.KIND),
    TENANT(Type.TEXT),
    SITE(Type.TEXT),
    DEVICE(Type.TEXT),
    IN_SESSION(Type.BOOLEAN),
    SERVICE(Type.TEXT),
    STATE(Type.TEXT),
    START_TYPE(Type.TEXT),
    UPDATE(Type.TEXT),
    KB(Type.TEXT),
    TITLE(Type.TEXT),
    ERROR(Type.TEXT),
    REASON(Type.TEXT),
    SOURCE(Type.TEXT),
    REBOOT_REQUIRED(Type.BOOLEAN),
    OK(Type.BOOLEAN),
    RTT_MS(Type.NUMBER),
    LOSS_PCT(Type.NUMBER),
    SILENT_FOR_S(Type.NUMBER);

    enum Type {
        KIND,
        TEXT,
        BOOLEAN,
        NUMBER
    }

    final Type type;

    FactField(Type type) {
        this.type = type;
    }

    String ruleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static FactField ofRuleName(String name) {
        for (FactField f : values()) {
            if (f.ruleName().equals(name)) {
                return f;
            }
        }
        return null;
    }

    /** The field's value in {@code f}: a String, Boolean, Double, FactKind, or null. */
    Object of(DeviceFact f) {
        return switch (this) {
            case KIND -> f.kind;
            case TENANT -> f.tenant;
            case SITE -> f.site;
            case DEVICE -> f.device;
            case IN_SESSION -> f.inSession;
            case SERVICE -> f.service;
            case STATE -> f.state;
            case START_TYPE -> f.startType;
            case UPDATE -> f.update;
            case KB -> f.kb;
            case TITLE -> f.title;
            case ERROR -> f.error;
            case REASON -> f.reason;
            case SOURCE -> f.source;
            case REBOOT_REQUIRED -> f.rebootRequired;
            case OK -> f.ok;
            case RTT_MS -> f.rttMs;
            case LOSS_PCT -> f.lossPct;
            case SILENT_FOR_S -> f.silentForS == DeviceFact.NONE ? null : (double) f.silentForS;
        };
    }
}
