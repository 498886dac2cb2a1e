package dev.slocket.s3;

import dev.slocket.spi.BackendLock;

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
 * released at once.
 */
final class ScheduledAcquisition extends CompletableFuture<BackendLock> {

    private final Acquisition acquisition;

    private final ScheduledExecutorService attempts;

    /** Guards the fields below, so a withdrawal and an attempt never both complete the future. */
    private final ReentrantLock state = new ReentrantLock();

    private boolean attempting;

    /** Why the acquisition was withdrawn: a {@link CancellationException} or a failure; {@code null} while it stands. */
    private RuntimeException withdrawal;

    private Future<?> next;

    ScheduledAcquisition(Acquisition acquisition, ScheduledExecutorService attempts) {
        this.acquisition = acquisition;
        this.attempts = attempts;
    }

    /** Makes the first attempt, on the attempt pool. */
    void start() {
        schedule(0);
    }

    private void schedule(long delayMillis) {
        state.lock();
        try {
            if (withdrawal == null) {
                next = attempts.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
            }
        }
        catch (RejectedExecutionException ex) {
            withdrawal = AsyncAcquisitions.closed();
        }
        finally {
            state.unlock();
        }
        completeIfWithdrawn(null);
    }

    private void attempt() {
        state.lock();
        try {
            if (withdrawal != null) {
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
        if (completeIfWithdrawn(lock)) {
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
            schedule(step.retryInMillis());
        }
    }

    /**
     * Completes the future if the acquisition was withdrawn, giving back {@code lock}.
     *
     * @return whether it was withdrawn
     */
    private boolean completeIfWithdrawn(BackendLock lock) {
        RuntimeException why;
        state.lock();
        try {
            why = withdrawal;
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
        if (why instanceof CancellationException) {
            super.cancel(false);
        }
        else {
            completeExceptionally(why);
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
     * @return whether this withdrew it (it was neither complete nor withdrawn before)
     */
    boolean withdraw(RuntimeException why) {
        state.lock();
        try {
            if (isDone() || withdrawal != null) {
                return false;
            }
            withdrawal = why;
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
        completeIfWithdrawn(null);
        return true;
    }
}
