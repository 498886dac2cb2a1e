package dev.slocket.socket;

/**
 * How an acquisition paces its attempts when one did not end in the lock or in a queue: at once,
 * after a jittered backoff for transient errors (SL-17, SL-52), or when the lock file changes, with
 * the safety poll as the longest wait (SL-42). Shared by the blocking and the asynchronous
 * acquisition; not thread-safe: one per acquisition.
 */
final class Pacing {

    private static final int RETRIES_BEFORE_BACKOFF = 3;

    private final Backoff backoff;

    private final long pollNanos;

    private final long settleNanos;

    private int retries;

    Pacing(SocketLockOptions options) {
        this.backoff = new Backoff(options.reconnectBackoffMin(), options.reconnectBackoffMax());
        this.pollNanos = options.watchPollInterval().toNanos();
        this.settleNanos = options.reconnectBackoffMin().toNanos();
    }

    /**
     * @param step {@link Attempt.Next#RETRY}, {@link Attempt.Next#BACKOFF}, {@link Attempt.Next#WATCH}
     *        or {@link Attempt.Next#SETTLE}
     * @return what to wait for before the next attempt
     */
    Pause after(Attempt.Next step) {
        switch (step) {
            case RETRY:
                return new Pause((++retries % RETRIES_BEFORE_BACKOFF == 0) ? backoff.nextNanos() : 0, false);
            case BACKOFF:
                return new Pause(backoff.nextNanos(), false);
            case WATCH:
                backoff.reset();
                return new Pause(pollNanos, true);
            case SETTLE:
                return new Pause(settleNanos, true);
            default:
                throw new IllegalStateException("unexpected step " + step);
        }
    }

    /**
     * A wait between two attempts.
     *
     * @param nanos how long at most; 0 for none
     * @param untilFileChanges whether a change of the lock file ends it sooner
     */
    record Pause(long nanos, boolean untilFileChanges) {
    }
}
