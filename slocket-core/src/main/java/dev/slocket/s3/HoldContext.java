package dev.slocket.s3;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every hold of one backend instance shares.
 *
 * @param calls the S3 requests
 * @param options the backend's options
 * @param owner this backend instance's owner id
 * @param timer runs short, non-blocking timer tasks (lease expiry, scheduling renewals)
 * @param io runs renewals, which block on S3
 * @param releases the generations this instance released itself, for a quicker next acquisition
 * @param deletes the deletion of superseded generations
 */
record HoldContext(S3Calls calls, S3LockOptions options, String owner, ScheduledExecutorService timer,
        ExecutorService io, RecentReleases releases, DeferredDeletes deletes) {

    /** @return the request timeout, cut to what is left before {@code deadlineNanos}; at least 1 ms */
    Duration requestTimeoutBefore(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        return Duration.ofNanos(Math.max(1_000_000, Math.min(left, options.requestTimeout().toNanos())));
    }
}
