package dev.slocket.spi;

/**
 * One hold of a lock as a backend sees it.
 */
public interface BackendLock {

    /** @return the fencing token of this hold, strictly increasing per name */
    long fencingToken();

    /**
     * Gives the lock up. The registry calls it exactly once, from any thread; it must never
     * remove a lock that is no longer ours.
     */
    void release();

    /**
     * Whether this hold may still be ours by the backend's own reckoning, asked whenever the
     * holder asks {@link dev.slocket.HeldLock#isHeld()}. A backend whose holds run out (a lease,
     * a stale threshold) answers {@code false} from the moment another process may take the
     * lock over, even when its renewal thread has not run yet (a paused process resumes with
     * the holder's thread first); the registry then reports the loss.
     *
     * @return {@code false} if another process may hold the lock by now
     */
    default boolean isValid() {
        return true;
    }
}
