package dev.slocket;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * A lock that a registry holds or waits for, as shown by {@link LockRegistry#locks()}.
 *
 * @param name the lock name
 * @param backend the backend type
 * @param state whether the lock is held or awaited
 * @param since when it was acquired ({@code HELD}) or when the wait began ({@code WAITING})
 * @param fencingToken the token of the current hold; empty while waiting
 * @param localWaiters threads of this registry queued behind the holder or the waiting thread
 */
public record LockInfo(String name, String backend, State state, Instant since, OptionalLong fencingToken,
        int localWaiters) {

    /** Whether a lock is held or awaited by this registry. */
    public enum State {
        /** This registry holds the lock. */
        HELD,
        /** This registry waits for the lock, which someone else holds. */
        WAITING
    }
}
