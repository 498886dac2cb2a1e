package dev.slocket.s3;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The asynchronous acquisitions of one backend: a pool of {@link #THREADS} threads makes their
 * attempts and times the next ones, however many acquisitions wait; closing withdraws those
 * pending.
 */
final class AsyncAcquisitions {

    /** Threads that send the requests of asynchronous acquisitions (the S3 client blocks one per request). */
    static final int THREADS = 4;

    private final ScheduledThreadPoolExecutor attempts;

    private final Set<ScheduledAcquisition> pending = ConcurrentHashMap.newKeySet();

    AsyncAcquisitions(ThreadFactory threads) {
        this.attempts = new ScheduledThreadPoolExecutor(THREADS, threads);
        attempts.setRemoveOnCancelPolicy(true);
    }

    /** @return the pending acquisition, its first attempt under way; cancelling it withdraws it */
    CompletableFuture<BackendLock> start(Acquisition acquisition, Deadline deadline) {
        ScheduledAcquisition scheduled = new ScheduledAcquisition(acquisition, deadline, attempts);
        pending.add(scheduled);
        scheduled.whenComplete((lock, ex) -> pending.remove(scheduled));
        scheduled.start();
        return scheduled;
    }

    /**
     * Withdraws every pending acquisition, then waits up to {@code wait} for attempts under way,
     * which give back what they obtain.
     */
    void close(Duration wait) {
        LockBackendException closed = closed();
        pending.forEach(acquisition -> acquisition.withdraw(closed));
        attempts.shutdown();
        try {
            attempts.awaitTermination(wait.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    static LockBackendException closed() {
        return new LockBackendException("The S3 lock backend is closed");
    }
}
