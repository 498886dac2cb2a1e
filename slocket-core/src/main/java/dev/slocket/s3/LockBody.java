package dev.slocket.s3;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON body of a lock object. Every write carries a fresh {@code nonce}, so every write has
 * its own ETag and a writer can tell by reading back whether an ambiguous write landed.
 *
 * @param locked {@code true} for a generation object, {@code false} for a release marker
 * @param owner the writing backend instance (random per instance, never a host name)
 * @param nonce random per write
 * @param token the generation number, which is the fencing token
 * @param leaseMs the writer's lease in milliseconds
 * @param writtenAt wall-clock time of the write, informational only
 */
record LockBody(boolean locked, String owner, String nonce, long token, long leaseMs, String writtenAt) {

    private static final Pattern FIELD = Pattern.compile(
            "\"([A-Za-z]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|true|false|-?\\d+|null)");

    /** @return the body as compact JSON */
    String toJson() {
        return "{\"locked\":" + locked + ",\"owner\":\"" + escape(owner) + "\",\"nonce\":\"" + escape(nonce)
                + "\",\"token\":" + token + ",\"leaseMs\":" + leaseMs + ",\"writtenAt\":\"" + escape(writtenAt) + "\"}";
    }

    /**
     * Reads a body written by this backend; unknown fields are ignored, missing ones are empty.
     *
     * @param json the object's content
     * @return the body
     */
    static LockBody parse(String json) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher matcher = FIELD.matcher(json);
        while (matcher.find()) {
            String value = matcher.group(3) != null ? unescape(matcher.group(3)) : matcher.group(2);
            fields.putIfAbsent(matcher.group(1), value);
        }
        return new LockBody(Boolean.parseBoolean(fields.get("locked")), fields.getOrDefault("owner", ""),
                fields.getOrDefault("nonce", ""), parseLong(fields.get("token")), parseLong(fields.get("leaseMs")),
                fields.getOrDefault("writtenAt", ""));
    }

    private static long parseLong(String value) {
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        }
        catch (NumberFormatException ex) {
            return 0;
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    private static String unescape(String value) {
        return value.replace("\\\"", "\"").replace("\\\\", "\\");
    }
}
