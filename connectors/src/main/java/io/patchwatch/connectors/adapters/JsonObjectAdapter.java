package io.patchwatch.connectors.adapters;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Base of the adapters whose records are one JSON object each. */
public abstract class JsonObjectAdapter extends RecordAdapter {
    private static final long serialVersionUID = 1L;
    /** Strict: content after the first JSON value ({@code {..}{..}}) is malformed, never silently lost. */
    private static final ObjectMapper MAPPER = strictMapper();

    /**
     * Strict JSON for untrusted records: content after the first value is an error, and so is a key
     * given twice ({@code {"device":"A","device":"B"}} would otherwise quietly mean B).
     */
    public static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.getFactory().enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return mapper;
    }

    /** @throws IOException when the bytes are not one JSON value */
    public static JsonNode readTree(byte[] payload) throws IOException {
        return MAPPER.readTree(payload);
    }

    protected JsonObjectAdapter(String name, AdapterSettings settings) {
        super(name, settings);
    }

    @Override
    protected final void parseRecord(byte[] payload, long recordTimestamp, AdapterOutput out) {
        JsonNode root;
        try {
            root = MAPPER.readTree(payload);
        } catch (IOException e) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "not valid JSON");
            return;
        }
        if (root == null || !root.isObject()) {
            out.deadLetter(DeadLetterReason.MALFORMED, null, "expected a JSON object");
            return;
        }
        parseObject(root, recordTimestamp, out);
    }

    protected abstract void parseObject(JsonNode root, long recordTimestamp, AdapterOutput out);
}
