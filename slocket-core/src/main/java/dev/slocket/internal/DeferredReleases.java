package dev.slocket.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the releases that {@link dev.slocket.HeldLock#releaseNoEarlierThan} deferred: one daemon
 * thread for the whole JVM, busy only for the moment each release takes.
 */
final class DeferredReleases {

    private static final ScheduledThreadPoolExecutor SCHEDULER = createScheduler();

    private DeferredReleases() {
    }

    static ScheduledFuture<?> schedule(Runnable release, Duration delay) {
        return SCHEDULER.schedule(release, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ScheduledThreadPoolExecutor createScheduler() {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "slocket-deferred-release");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
