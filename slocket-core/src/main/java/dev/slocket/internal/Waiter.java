package dev.slocket.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One acquisition queued for the turn of a name. It is decided exactly once: granted the turn by
 * the previous owner, or withdrawn (timeout, cancellation, interrupt, shutdown).
 */
abstract class Waiter {

    private final AtomicBoolean decided = new AtomicBoolean();

    /** @return whether the turn was given to this waiter; {@code false} if it had withdrawn */
    final boolean grant() {
        if (!decided.compareAndSet(false, true)) {
            return false;
        }
        granted();
        return true;
    }

    /** @return whether this waiter withdrew; {@code false} if it was granted the turn first */
    final boolean withdraw() {
        return decided.compareAndSet(false, true);
    }

    /** Runs once, on the thread that passed the turn on, when the turn is this waiter's. */
    abstract void granted();
}
