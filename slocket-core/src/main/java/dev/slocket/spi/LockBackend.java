package dev.slocket.spi;

import dev.slocket.LockBackendException;

import java.util.concurrent.CompletableFuture;

/**
 * What a backend implements. The registry's in-JVM layer calls {@link #acquire} for a name
 * from at most one thread at a time, so a backend only arbitrates between registries and
 * processes, never between threads of one registry.
 */
public interface LockBackend extends AutoCloseable {

    /** @return the backend type shown to users: {@code socket}, {@code file}, {@code s3}, ... */
    String type();

    /**
     * Acquires {@code name}, waiting until {@code deadline}. An expired deadline means one
     * attempt. Waiting must not spin.
     *
     * @param name a valid lock name (already checked by {@link LockNames#validate(String)})
     * @param deadline when to give up
     * @param lossListener to call if the lock is later found to be no longer ours
     * @return the held lock, or {@code null} if the deadline passed first
     * @throws InterruptedException if the thread was interrupted; nothing is then held
     * @throws LockBackendException on a failure that retrying would not cure
     */
    BackendLock acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException;

    /**
     * Acquires {@code name} without blocking the caller: the future completes with the held lock,
     * with {@code null} once the deadline passed, or exceptionally as {@link #acquire} would throw.
     * Like {@link #acquire}, the registry has at most one outstanding call per name.
     *
     * <p>Cancelling the future withdraws the acquisition; a lock obtained after that is released,
     * and the backend no longer acts for the acquisition once the future is complete.
     *
     * <p>The default runs {@link #acquire} on a small pool shared by the JVM ({@value
     * BlockingAcquisition#POOL_SIZE} threads), in slices so that every awaited name is tried
     * however many there are; backends that can be told when a lock is free override it so
     * that waiting takes no thread.
     *
     * @param name a valid lock name
     * @param deadline when to give up
     * @param lossListener to call if the lock is later found to be no longer ours
     * @return the pending acquisition
     */
    default CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        return BlockingAcquisition.start(this, name, deadline, lossListener);
    }

    /**
     * Best-effort query: does anyone (in any process) hold {@code name} right now?
     *
     * @param name a valid lock name
     * @return whether the lock is held
     */
    boolean isLocked(String name);

    /** @return whether the backend can take locks, with details for health checks */
    BackendStatus status();

    /**
     * Frees the backend's resources. The registry calls it once, when it is shutting down and
     * none of its threads holds or waits for a lock of this backend (which may be long after the
     * registry's {@code close()} returned, when a holder outlived the grace period), so a held
     * lock keeps its heartbeat, renewal or socket for as long as its holder runs. Waiters of
     * other processes queued at this backend (e.g. clients on a socket) are handed over.
     */
    @Override
    void close();
}
