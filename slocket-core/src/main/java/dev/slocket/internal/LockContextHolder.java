package dev.slocket.internal;

import dev.slocket.HeldLock;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Thread-bound stack of the locks held around running {@code @Mutexed} methods. Internal: the
 * advice that runs the method pushes and pops; applications read it through
 * {@link dev.slocket.LockContext}.
 */
public final class LockContextHolder {

    private static final ThreadLocal<Deque<HeldLock>> HELD = ThreadLocal.withInitial(ArrayDeque::new);

    private LockContextHolder() {
    }

    /**
     * Makes {@code lock} the current lock of this thread until the returned scope is closed.
     *
     * @param lock the lock held around the method about to run
     * @return closes the scope; must be closed on the same thread
     */
    public static Scope enter(HeldLock lock) {
        Deque<HeldLock> held = HELD.get();
        held.push(lock);
        return () -> {
            held.remove(lock);
            if (held.isEmpty()) {
                HELD.remove();
            }
        };
    }

    /**
     * @param name a lock name
     * @return whether a method running on this thread already holds {@code name}
     */
    public static boolean holds(String name) {
        Deque<HeldLock> held = HELD.get();
        boolean found = held.stream().anyMatch(lock -> lock.name().equals(name) && lock.isHeld());
        if (held.isEmpty()) {
            HELD.remove();
        }
        return found;
    }

    /** @return the innermost current lock of this thread, or {@code null} */
    public static HeldLock innermost() {
        Deque<HeldLock> held = HELD.get();
        HeldLock lock = held.peek();
        if (held.isEmpty()) {
            HELD.remove();
        }
        return lock;
    }

    /** Ends a {@link #enter} scope. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {

        @Override
        void close();
    }
}
