package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An acquisition of a lock directory that waits without a thread: each attempt runs on the
 * engine's attempt thread, and the next one is scheduled at the removal of the directory (a
 * {@link DirectoryWatcher} event), the time at which the seen lock would turn stale, or the safety
 * poll, whichever comes first; the same protocol as the blocking {@link LockDirEngine#acquire}.
 */
final class AsyncDirAcquisition extends CompletableFuture<BackendLock> {

    private final LockDirEngine engine;

    private final LockPaths paths;

    private final LockTiming timing;

    private final Deadline deadline;

    private final Duration poll;

    private final LossListener listener;

    private final ScheduledExecutorService attempts;

    private final Function<IOException, RuntimeException> failure;

    /** Set while an attempt is queued, so a burst of watch events makes one attempt. */
    private final AtomicBoolean queued = new AtomicBoolean();

    private DirectoryWatcher.Subscription removal;

    private ScheduledFuture<?> retry;

    AsyncDirAcquisition(LockDirEngine engine, LockPaths paths, LockTiming timing, Deadline deadline, Duration poll,
            LossListener listener, ScheduledExecutorService attempts, Function<IOException, RuntimeException> failure) {
        this.engine = engine;
        this.paths = paths;
        this.timing = timing;
        this.deadline = deadline;
        this.poll = poll;
        this.listener = listener;
        this.attempts = attempts;
        this.failure = failure;
    }

    /** Subscribes to removals, then makes the first attempt. */
    void start(DirectoryWatcher watcher) {
        removal = watcher.subscribe(paths.lockDir(), this::attemptSoon);
        whenComplete((lock, ex) -> removal.close());
        attemptSoon();
    }

    private void attemptSoon() {
        if (isDone() || !queued.compareAndSet(false, true)) {
            return;
        }
        try {
            attempts.execute(this::attempt);
        }
        catch (RejectedExecutionException ex) {
            completeExceptionally(new LockBackendException("The file lock backend is closed"));
        }
    }

    /** Runs on the attempt thread only. */
    private void attempt() {
        queued.set(false);
        if (isDone()) {
            return;
        }
        if (retry != null) {
            retry.cancel(false);
        }
        try {
            LockDirEngine.Attempt attempt = engine.attempt(paths, timing);
            BackendLock hold = (attempt.owned() != null) ? engine.hold(paths, timing, attempt.owned(), listener) : null;
            if (hold != null) {
                if (!complete(hold)) {
                    hold.release();
                }
                return;
            }
            if (deadline.isExpired()) {
                complete(null);
                return;
            }
            long nanos = Math.min(deadline.remainingNanos(), poll.toNanos());
            if (attempt.seen() != null) {
                nanos = Math.min(nanos, LockDirEngine.nanosUntilStale(attempt.seen(), timing));
            }
            retry = attempts.schedule(this::attemptSoon, nanos, TimeUnit.NANOSECONDS);
        }
        catch (IOException ex) {
            completeExceptionally(failure.apply(ex));
        }
        catch (RuntimeException ex) {
            completeExceptionally(ex);
        }
    }
}
