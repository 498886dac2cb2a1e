package dev.slocket;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Named locks shared by every thread of this registry and every process (or host) that uses
 * the same backend location. Create one with {@link Slocket}; close it when done (see
 * {@link #close()}).
 *
 * <p>A thread that already holds a name and acquires it again gets a nested handle; only the
 * outermost release gives the lock up.
 */
public interface LockRegistry extends AutoCloseable {

    /**
     * Acquires {@code name}, waiting for the registry's default wait (forever unless set).
     *
     * @param name the lock name: 1 to 255 characters, no control characters
     * @return the held lock
     * @throws IllegalArgumentException if the name is invalid
     * @throws LockTimeoutException if the default wait elapsed
     * @throws LockInterruptedException if the thread was interrupted while waiting
     * @throws LockBackendException if the backend failed
     */
    HeldLock acquire(String name);

    /**
     * Acquires {@code name}, waiting at most {@code wait}.
     *
     * @param name the lock name
     * @param wait how long to wait; {@link Duration#ZERO} makes exactly one attempt
     * @return the held lock
     * @throws LockTimeoutException if {@code wait} elapsed
     * @throws LockInterruptedException if the thread was interrupted while waiting
     */
    HeldLock acquire(String name, Duration wait);

    /**
     * One attempt, no waiting.
     *
     * @param name the lock name
     * @return the held lock, or empty if someone else holds it
     */
    default Optional<HeldLock> tryAcquire(String name) {
        try {
            return Optional.of(acquire(name, Duration.ZERO));
        }
        catch (LockTimeoutException ex) {
            return Optional.empty();
        }
    }

    /**
     * One attempt, no waiting, in a form that fits try-with-resources ({@code null} is allowed
     * there and not closed):
     *
     * <pre>{@code
     * try (HeldLock lock = locks.tryAcquireOrNull("nightly-report")) {
     *     if (lock == null) {
     *         return;                      // someone else holds it
     *     }
     *     ...
     * }
     * }</pre>
     *
     * @param name the lock name
     * @return the held lock, or {@code null} if someone else holds it
     */
    default HeldLock tryAcquireOrNull(String name) {
        return tryAcquire(name).orElse(null);
    }

    /**
     * Acquires {@code name} without blocking the caller. Cancelling the returned future
     * withdraws the request and never leaves the lock held.
     *
     * @param name the lock name
     * @param wait how long to wait; the future fails with {@link LockTimeoutException} after it
     * @return a future of the held lock
     */
    CompletableFuture<HeldLock> acquireAsync(String name, Duration wait);

    /**
     * Runs {@code action} while holding {@code name}.
     *
     * @param name the lock name
     * @param wait how long to wait for the lock
     * @param action the work to do under the lock
     * @param <T> the result type
     * @return what {@code action} returned
     * @throws Exception what {@code action} threw
     */
    default <T> T withLock(String name, Duration wait, Callable<T> action) throws Exception {
        try (HeldLock lock = acquire(name, wait)) {
            return action.call();
        }
    }

    /**
     * Runs {@code action} while holding {@code name}.
     *
     * @param name the lock name
     * @param wait how long to wait for the lock
     * @param action the work to do under the lock
     */
    default void withLock(String name, Duration wait, Runnable action) {
        try (HeldLock lock = acquire(name, wait)) {
            action.run();
        }
    }

    /** @return the locks this registry holds or waits for, for monitoring */
    List<LockInfo> locks();

    /**
     * Registers a listener that runs once for every lock of this registry that is lost.
     *
     * @param listener called with each loss
     */
    void addLockLostListener(Consumer<LockLoss> listener);

    /** @return the backend type: {@code socket}, {@code file}, {@code s3} or {@code memory} */
    String backendType();

    /**
     * Shuts the registry down without ever releasing a lock whose holder may still run: new
     * acquisitions fail at once with a {@link SlocketException} ("registry is closing"), every
     * waiting acquisition is withdrawn (it fails the same way and never ends up holding), and
     * the call waits for the holders to release their locks, at most the registry's shutdown
     * grace period ({@link RegistryOptions#shutdownGrace()}). A lock still held then is logged at
     * WARN and stays held until its holder releases it or the process exits. The backend is freed
     * once nothing is held.
     */
    @Override
    void close();
}
