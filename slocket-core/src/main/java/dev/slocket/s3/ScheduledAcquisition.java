package dev.slocket.s3;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.WaitTimer;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An acquisition that waits without a thread: each {@link Acquisition#attempt()} runs on the
 * backend's small attempt pool, and the next one is scheduled for when the blocking
 * {@link Acquisition#run()} would have woken up (its backoff, the holder's lease, the release
 * marker's poll).
 *
 * <p>Withdrawing it (cancelling the future, or the backend's close) stops it at once between
 * attempts; an attempt under way is let finish, and the future completes only then, so its
 * caller never has two acquisitions of one name outstanding. A lock that attempt obtained is
 * released at once. The wait also ends {@link #LATE} after the deadline if the attempt due then
 * has not started, the pool's threads being busy with other acquisitions' requests.
 *
 * <p>A run of transient failures is retried within one attempt ({@link FailureRun}), as in the
 * blocking acquisition, so it keeps its pool thread for its backoff.
 */
final class ScheduledAcquisition extends CompletableFuture<BackendLock> {

    /** How long after its deadline an acquisition whose attempt could not start gives up. */
    static final Duration LATE = Duration.ofMillis(500);

    /** Why an acquisition ended before it decided itself: {@code failure} is {@code null} when its time ran out. */
    private record Ending(RuntimeException failure) {
    }

    private static final Ending TIMED_OUT = new Ending(null);

    private final Acquisition acquisition;

    private final Deadline deadline;

    private final ScheduledExecutorService attempts;

    /** Guards the fields below, so an ending from outside and an attempt never both decide the future. */
    private final ReentrantLock state = new ReentrantLock();

    private boolean attempting;

    private Ending ending;

    private Future<?> next;

    private Future<?> overdue;

    ScheduledAcquisition(Acquisition acquisition, Deadline deadline, ScheduledExecutorService attempts) {
        this.acquisition = acquisition;
        this.deadline = deadline;
        this.attempts = attempts;
    }

    /** Makes the first attempt, on the attempt pool. */
    void start() {
        schedule(0);
    }

    private void schedule(long delayMillis) {
        state.lock();
        try {
            if (ending == null) {
                next = attempts.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
            }
        }
        catch (RejectedExecutionException ex) {
            ending = new Ending(AsyncAcquisitions.closed());
        }
        finally {
            state.unlock();
        }
        completeIfEnded(null);
    }

    private void attempt() {
        state.lock();
        try {
            if (ending != null) {
                return;
            }
            attempting = true;
        }
        finally {
            state.unlock();
        }
        Acquisition.Step step = null;
        Throwable failure = null;
        try {
            step = acquisition.attempt();
        }
        catch (InterruptedException | RuntimeException | Error ex) {
            failure = ex;
        }
        state.lock();
        try {
            attempting = false;
        }
        finally {
            state.unlock();
        }
        BackendLock lock = step == null ? null : step.lock();
        if (completeIfEnded(lock)) {
            return;
        }
        if (failure != null) {
            completeExceptionally(failure);
        }
        else if (step.over()) {
            if (!complete(lock) && lock != null) {
                lock.release();
            }
        }
        else {
            watchForOverdue();
            schedule(step.retryInMillis());
        }
    }

    /** After the first attempt: ends the wait {@link #LATE} after the deadline unless an attempt is under way. */
    private void watchForOverdue() {
        if (overdue == null && !deadline.isInfinite()) {
            overdue = WaitTimer.at(Deadline.after(Duration.ofNanos(deadline.remainingNanos()).plus(LATE)),
                    () -> end(TIMED_OUT));
            whenComplete((lock, ex) -> overdue.cancel(false));
        }
    }

    /**
     * Completes the future if the acquisition was ended from outside, giving back {@code lock}.
     *
     * @return whether it was ended
     */
    private boolean completeIfEnded(BackendLock lock) {
        Ending why;
        state.lock();
        try {
            why = ending;
        }
        finally {
            state.unlock();
        }
        if (why == null) {
            return false;
        }
        if (lock != null) {
            lock.release();
        }
        if (why.failure() == null) {
            complete(null);
        }
        else if (why.failure() instanceof CancellationException) {
            super.cancel(false);
        }
        else {
            completeExceptionally(why.failure());
        }
        return true;
    }

    /** Withdraws the acquisition (cancels the future); see the class comment. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return withdraw(new CancellationException("withdrawn"));
    }

    /**
     * Withdraws the acquisition; the future fails with {@code why} once no attempt is under way.
     *
     * @return whether this withdrew it (it was neither complete nor ended before)
     */
    boolean withdraw(RuntimeException why) {
        return end(new Ending(why));
    }

    private boolean end(Ending why) {
        state.lock();
        try {
            if (isDone() || ending != null || (why == TIMED_OUT && attempting)) {
                return false;
            }
            ending = why;
            if (next != null) {
                next.cancel(false);
            }
            if (attempting) {
                return true;
            }
        }
        finally {
            state.unlock();
        }
        completeIfEnded(null);
        return true;
    }
}
