package dev.slocket;

import java.time.Duration;
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
     * Releases the lock, but not before {@code notBefore}: until then the lock stays held, by no
     * thread, and a scheduler releases it (no thread waits for it). Returns at once. Used to keep
     * a lock for at least some time after it was acquired, e.g. so that a job scheduled on
     * several hosts runs once per period. Idempotent like {@link #release()}; a time in the past
     * releases at once. On a nested handle it ends this nesting level, and the outermost
     * release is deferred to at least {@code notBefore}.
     *
     * <p>If the process dies during the deferred part, the backend frees the lock as it frees
     * the locks of any dead process (socket: at once; file: after {@code stale}; s3: after the
     * lease and its margin).
     *
     * @param notBefore the earliest time the lock may be released
     */
    void releaseNoEarlierThan(Instant notBefore);

    /**
     * Releases the lock, but keeps it held until at least {@code holdAtLeast} after
     * {@link #acquiredAt()}; see {@link #releaseNoEarlierThan(Instant)}.
     *
     * @param holdAtLeast how long the lock stays held at least, counted from its acquisition
     */
    default void release(Duration holdAtLeast) {
        releaseNoEarlierThan(acquiredAt().plus(holdAtLeast));
    }

    /**
     * Registers a listener that runs once if the backend learns that this lock is no longer
     * ours. A listener added after the loss runs at once. The listeners of a nested handle are
     * dropped when that handle is released.
     *
     * @param listener called with the loss
     */
    void onLost(Consumer<LockLoss> listener);

    /** Same as {@link #release()}. */
    @Override
    void close();
}
