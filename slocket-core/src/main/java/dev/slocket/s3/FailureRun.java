package dev.slocket.s3;

import dev.slocket.LockBackendException;
import dev.slocket.spi.Deadline;

import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Duration;

/**
 * A run of consecutive transient failures while acquiring: retried with jittered backoff until
 * the failure timeout passes, or the caller's wait ends and a few tries were made; then the
 * acquisition fails with a {@link LockBackendException} instead of hanging.
 */
final class FailureRun {

    private static final int MIN_TRIES = 3;

    private final Duration failureTimeout;

    private final Backoff backoff;

    private long startNanos;

    private int failures;

    FailureRun(Duration failureTimeout, Duration backoffMin, Duration backoffMax) {
        this.failureTimeout = failureTimeout;
        this.backoff = new Backoff(backoffMin, backoffMax);
    }

    /** The last request worked: the run is over. */
    void reset() {
        failures = 0;
        backoff.reset();
    }

    /**
     * Records a failure and sleeps before the next try.
     *
     * @param ex the failure
     * @param what what was being done, for the message
     * @param deadline the caller's wait
     * @throws LockBackendException if the failure is not transient or the run lasted too long
     */
    void failed(SdkException ex, String what, Deadline deadline) throws InterruptedException {
        if (ex instanceof AbortedException || Thread.interrupted()) {
            throw new InterruptedException(what + " was interrupted");
        }
        if (failures++ == 0) {
            startNanos = System.nanoTime();
        }
        long elapsed = System.nanoTime() - startNanos;
        boolean outOfTime = elapsed >= failureTimeout.toNanos() || (deadline.isExpired() && failures >= MIN_TRIES);
        if (!S3Errors.isTransient(ex) || outOfTime) {
            throw new LockBackendException(what + " failed" + (failures > 1 ? " " + failures + " times in a row" : "")
                    + ": " + S3Errors.describe(ex), ex);
        }
        long delay = backoff.next();
        long left = failureTimeout.toMillis() - Duration.ofNanos(elapsed).toMillis();
        Thread.sleep(Math.max(1, Math.min(delay, left)));
    }
}
