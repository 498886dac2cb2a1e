package dev.slocket.spi;

import java.util.Map;

/**
 * Whether a backend can take locks right now, for health checks.
 *
 * @param usable {@code true} when a lock could be taken
 * @param reason why not, in words an operator can act on; empty when usable
 * @param details what the backend wants to show (directory, bucket, ...)
 */
public record BackendStatus(boolean usable, String reason, Map<String, Object> details) {

    public BackendStatus {
        details = Map.copyOf(details);
    }

    public static BackendStatus up(Map<String, Object> details) {
        return new BackendStatus(true, "", details);
    }

    public static BackendStatus down(String reason, Map<String, Object> details) {
        return new BackendStatus(false, reason, details);
    }
}
