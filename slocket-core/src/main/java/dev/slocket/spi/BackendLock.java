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
}
