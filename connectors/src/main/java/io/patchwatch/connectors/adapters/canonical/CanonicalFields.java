package io.patchwatch.connectors.adapters.canonical;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of one canonical record that patchwatch reads, as their JSON tokens and values, read
 * in one pass of a streaming parser. Every byte of the record is still parsed (an unknown field's
 * value is skipped token by token, so that a syntax error or a repeated key anywhere refuses the
 * record, as a tree would), but no tree is built and only known fields keep a value.
 */
final class CanonicalFields {
    static final String TS = "ts";
    /** How many fields are known: {@link #index} numbers them. */
    private static final int KNOWN = 19;
    private static final Value ABSENT = new Value();

    /** One field's value: its token, and its text or number as the token has them. */
    static final class Value {
        /** VALUE_*, or START_ARRAY / START_OBJECT for a structure (its content skipped); null: absent. */
        JsonToken token;
        /** A string's text; a number's text as written. */
        String text;
        /** An integer that fits a long, as one. */
        boolean fitsLong;
        long longValue;
        double doubleValue;

        boolean absentOrNull() {
            return token == null || token == JsonToken.VALUE_NULL;
        }
    }

    private final Value[] values = new Value[KNOWN];
    private JsonToken root;

    private CanonicalFields() {}

    /** The record's top-level token: START_OBJECT for an object, whose fields this holds. */
    JsonToken root() {
        return root;
    }

    Value get(String field) {
        int i = index(field);
        Value v = i < 0 ? null : values[i];
        return v == null ? ABSENT : v;
    }

    /**
     * Reads one JSON value from {@code payload}: content after it is an error, as with the strict
     * mapper of the other JSON formats.
     *
     * @throws IOException for bytes that are not exactly one JSON value (a {@link
     *     com.fasterxml.jackson.core.JsonProcessingException} saying where)
     */
    static CanonicalFields read(JsonFactory factory, byte[] payload) throws IOException {
        CanonicalFields fields = new CanonicalFields();
        try (JsonParser p = factory.createParser(payload)) {
            fields.root = p.nextToken();
            if (fields.root == JsonToken.START_OBJECT) {
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    int i = index(p.currentName());
                    t = p.nextToken();
                    if (i < 0) {
                        p.skipChildren();
                    } else {
                        fields.values[i] = value(p, t);
                    }
                }
            } else {
                p.skipChildren();
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after the record's JSON value");
            }
        }
        return fields;
    }

    private static Value value(JsonParser p, JsonToken t) throws IOException {
        Value v = new Value();
        v.token = t;
        switch (t) {
            case VALUE_STRING -> v.text = p.getText();
            case VALUE_NUMBER_INT -> {
                v.text = p.getText();
                JsonParser.NumberType type = p.getNumberType();
                v.fitsLong = type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG;
                if (v.fitsLong) {
                    v.longValue = p.getLongValue();
                }
                v.doubleValue = p.getDoubleValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                v.text = p.getText();
                v.doubleValue = p.getDoubleValue();
            }
            case START_ARRAY, START_OBJECT -> p.skipChildren();
            default -> {}
        }
        return v;
    }

    private static int index(String name) {
        return switch (name) {
            case TS -> 0;
            case "tenant" -> 1;
            case "site" -> 2;
            case "device" -> 3;
            case "kind" -> 4;
            case "title" -> 5;
            case "error" -> 6;
            case "reason" -> 7;
            case "start_type" -> 8;
            case "source" -> 9;
            case "raw_id" -> 10;
            case "reboot_required" -> 11;
            case "ok" -> 12;
            case "rtt_ms" -> 13;
            case "loss_pct" -> 14;
            case "service" -> 15;
            case "state" -> 16;
            case "kb" -> 17;
            case "update_id" -> 18;
            default -> -1;
        };
    }

    /** A JSON value's type in a sentence, as refusals name it. */
    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
