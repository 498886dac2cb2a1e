package dev.slocket.test;

import java.time.Instant;

/**
 * One entry of the {@link LockHistory}.
 *
 * @param registry the registry id: {@code primary} or a {@code slocket.registries} id
 * @param name the lock name
 * @param fencingToken the token of the hold ({@code 0} for a timeout, which has none)
 * @param thread the name of the thread on which it happened
 * @param kind what happened
 * @param at when
 */
public record LockEvent(String registry, String name, long fencingToken, String thread, Kind kind, Instant at) {

    /** What happened to a lock. */
    public enum Kind {
        /** The application acquired the lock (re-entries are not recorded). */
        ACQUIRED,
        /** The application released the lock (also after it was lost). */
        RELEASED,
        /** The lock was taken away from the application while it held it. */
        LOST,
        /** A wait for the lock elapsed. */
        TIMED_OUT
    }
}
