package dev.slocket;

/**
 * The thread was interrupted while it waited for a lock. Nothing is held and the thread's
 * interrupt status is set again, so callers up the stack still see the interrupt.
 */
public class LockInterruptedException extends SlocketException {

    private static final long serialVersionUID = 1L;

    public LockInterruptedException(String lockName, InterruptedException cause) {
        super("Interrupted while waiting for lock '" + lockName + "'", cause);
    }
}
