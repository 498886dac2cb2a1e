package dev.slocket.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one daemon thread that ends asynchronous waits at their deadline, shared by every registry
 * and backend of the JVM. Tasks must be short: they only complete or withdraw a waiter, or hand
 * a timed step to the thread that runs it.
 */
public final class WaitTimer {

    private static final ScheduledThreadPoolExecutor TIMER = createTimer();

    /** The handle of a task that is never run: already done, so cancelling it does nothing. */
    private static final Future<?> NEVER_DUE = CompletableFuture.completedFuture(null);

    private WaitTimer() {
    }

    private static ScheduledThreadPoolExecutor createTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "slocket-wait-timer");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    /**
     * @param deadline when to run {@code task}; never for an infinite deadline
     * @param task what to do then
     * @return cancels the task; a cancelled task no longer takes memory
     */
    public static Future<?> at(Deadline deadline, Runnable task) {
        if (deadline.isInfinite()) {
            return NEVER_DUE;
        }
        return TIMER.schedule(task, deadline.remainingNanos(), TimeUnit.NANOSECONDS);
    }
}
