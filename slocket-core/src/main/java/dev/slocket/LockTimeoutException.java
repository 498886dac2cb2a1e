package dev.slocket;

import java.time.Duration;

/**
 * The wait for a lock elapsed before the lock could be acquired. Nothing is held.
 */
public class LockTimeoutException extends SlocketException {

    private static final long serialVersionUID = 1L;

    private final String lockName;

    private final Duration wait;

    public LockTimeoutException(String lockName, Duration wait) {
        super("Timed out after " + wait + " waiting for lock '" + lockName + "'");
        this.lockName = lockName;
        this.wait = wait;
    }

    /** @return the name of the lock that could not be acquired */
    public String lockName() {
        return lockName;
    }

    /** @return how long the caller was prepared to wait */
    public Duration waitDuration() {
        return wait;
    }
}
