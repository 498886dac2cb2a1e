package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LockObserver;
import dev.slocket.spi.WaitTimer;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An asynchronous acquisition: a continuation queued for the turn of a name, with no thread of
 * its own. When its turn comes it asks the backend with {@link LockBackend#acquireAsync}; its
 * future completes with the held lock. Cancelling the future or reaching the deadline withdraws
 * it from the queue, or from the backend, and never leaves the lock held.
 */
final class AsyncAcquisition extends Waiter {

    /**
     * Runs the continuations of waiters whose turn came, so that releasing a lock never runs the
     * next holder's code on the releasing thread.
     */
    private static final Executor CONTINUATIONS = createContinuations();

    private final LocalLockRegistry registry;

    private final NameEntry entry;

    private final Duration wait;

    private final Deadline deadline;

    private final LockObserver.ObservedLock observed;

    private final LockObserver.Wait observation;

    private final CompletableFuture<HeldLock> result = new CompletableFuture<>();

    /** The backend's acquisition once the turn came; cancelled when the result is. */
    private volatile CompletableFuture<BackendLock> pending;

    AsyncAcquisition(LocalLockRegistry registry, NameEntry entry, Duration wait, LockObserver.ObservedLock observed,
            LockObserver.Wait observation) {
        this.registry = registry;
        this.entry = entry;
        this.wait = wait;
        this.deadline = Deadline.after(wait);
        this.observed = observed;
        this.observation = observation;
    }

    private static Executor createContinuations() {
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "slocket-turn-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** Queues the acquisition (or starts it at once) and returns its future. */
    CompletableFuture<HeldLock> start() {
        if (entry.takeOrEnqueue(this)) {
            withdraw();
            acquireFromBackend();
        }
        else if (deadline.isExpired()) {
            expire();
        }
        else {
            Future<?> timer = WaitTimer.at(deadline, this::expire);
            result.whenComplete((lock, ex) -> timer.cancel(false));
        }
        result.whenComplete((lock, ex) -> {
            if (ex != null) {
                abandon(ex);
            }
        });
        return result;
    }

    @Override
    void granted() {
        CONTINUATIONS.execute(this::acquireFromBackend);
    }

    @Override
    void closed(RuntimeException failure) {
        registry.unretain(entry);
        observation.failed(failure);
        result.completeExceptionally(failure);
    }

    private void expire() {
        if (withdraw()) {
            entry.remove(this);
            registry.unretain(entry);
            result.completeExceptionally(registry.timeout(entry.name, wait, observation));
        }
    }

    /** The result failed or was cancelled: leave the queue, or stop the backend's acquisition. */
    private void abandon(Throwable failure) {
        if (withdraw()) {
            entry.remove(this);
            registry.unretain(entry);
            observation.failed(failure);
            return;
        }
        CompletableFuture<BackendLock> current = pending;
        if (current != null) {
            current.cancel(true);
        }
    }

    /** Runs with the turn: asks the backend, without blocking. */
    private void acquireFromBackend() {
        if (result.isDone() || registry.isClosed()) {
            entry.passOn();
            registry.unretain(entry);
            result.completeExceptionally(registry.closedException());
            return;
        }
        LossRelay relay = new LossRelay();
        entry.backendWaitSince = Instant.now();
        CompletableFuture<BackendLock> acquisition;
        try {
            acquisition = registry.backend().acquireAsync(entry.name, deadline, relay);
        }
        catch (RuntimeException ex) {
            acquisition = CompletableFuture.failedFuture(ex);
        }
        pending = acquisition;
        if (result.isDone()) {
            acquisition.cancel(true);
        }
        acquisition.whenComplete((lock, ex) -> finish(relay, lock, ex));
    }

    private void finish(LossRelay relay, BackendLock lock, Throwable failure) {
        entry.backendWaitSince = null;
        if (lock != null) {
            RegistryHeldLock held = registry.hold(entry, lock, null, observed);
            observation.acquired(lock.fencingToken());
            relay.attach(held);
            if (!result.complete(held)) {
                held.release();
            }
            return;
        }
        entry.passOn();
        registry.unretain(entry);
        if (failure == null) {
            result.completeExceptionally(registry.timeout(entry.name, wait, observation));
            return;
        }
        Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
                ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
            observation.failed(cause);
            return;
        }
        if (cause instanceof InterruptedException interrupted) {
            cause = new LockInterruptedException(entry.name, interrupted);
        }
        observation.failed(cause);
        result.completeExceptionally(cause);
    }
}
