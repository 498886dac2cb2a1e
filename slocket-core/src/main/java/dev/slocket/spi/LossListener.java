package dev.slocket.spi;

/**
 * How a backend tells the registry that a lock it granted is no longer ours. Backends call it at
 * most once per {@link BackendLock}, from any thread, and never after {@link BackendLock#release()}
 * was called.
 */
@FunctionalInterface
public interface LossListener {

    /**
     * @param reason what the backend observed, for operators (e.g. "lock directory vanished")
     */
    void lockLost(String reason);
}
