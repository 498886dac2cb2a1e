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

    /**
     * The key of the held lock in the subscriber context of a {@code @Mutexed} method that
     * returns a lazy publisher ({@code Mono}, {@code Flux}...):
     * {@code Mono.deferContextual(context -> ... context.get(LockContext.CONTEXT_KEY))}. With
     * Micrometer's context-propagation library and Reactor's automatic context propagation
     * ({@code spring.reactor.context-propagation=auto}), {@link #current()} also works in the
     * pipeline's operators, on whichever thread they run.
     */
    public static final String CONTEXT_KEY = "dev.slocket.lock";

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
