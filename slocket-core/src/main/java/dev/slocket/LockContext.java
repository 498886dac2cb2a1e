package dev.slocket;

import dev.slocket.internal.LockContextHolder;

import java.util.Optional;

/**
 * The lock held around the running {@link dev.slocket.annotation.Mutexed} method on this thread.
 *
 * <pre>{@code
 * @Mutexed("ledger")
 * public void post(Entry entry) {
 *     ledger.write(entry, LockContext.current().fencingToken());
 * }
 * }</pre>
 */
public final class LockContext {

    private LockContext() {
    }

    /**
     * @return the innermost lock held by a {@code @Mutexed} method running on this thread
     * @throws IllegalStateException outside a {@code @Mutexed} method
     */
    public static HeldLock current() {
        return find().orElseThrow(() -> new IllegalStateException(
                "No @Mutexed method holds a lock on thread " + Thread.currentThread().getName()));
    }

    /**
     * @return the innermost lock held by a {@code @Mutexed} method running on this thread, if any
     */
    public static Optional<HeldLock> find() {
        return Optional.ofNullable(LockContextHolder.innermost());
    }
}
