package dev.slocket;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * A lock that was acquired. Release it with {@link #release()} or try-with-resources.
 */
public interface HeldLock extends AutoCloseable {

    /** @return the lock name */
    String name();

    /**
     * A number that strictly increases with every acquisition of this name, across all
     * holders and processes that share the backend's directory or bucket, and across restarts.
     * Pass it to the resource you protect so that it can reject writes of a stale holder.
     *
     * @return the fencing token of this hold
     */
    long fencingToken();

    /** @return when the lock was acquired */
    Instant acquiredAt();

    /** @return {@code true} until the lock is released or lost */
    boolean isHeld();

    /**
     * Releases the lock. Idempotent and callable from any thread; a nested (reentrant) handle
     * only ends its own nesting level.
     */
    void release();

    /**
     * Registers a listener that runs once if the backend learns that this lock is no longer
     * ours. A listener added after the loss runs at once.
     *
     * @param listener called with the loss
     */
    void onLost(Consumer<LockLoss> listener);

    /** Same as {@link #release()}. */
    @Override
    void close();
}
