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
import java.util.concurrent.Future;

/**
 * An asynchronous acquisition: a continuation queued for the turn of a name, with no thread of
 * its own. When its turn comes it asks the backend with {@link LockBackend#acquireAsync}; its
 * future completes with the held lock. Cancelling the future, reaching the deadline or the
 * registry's shutdown withdraws it from the queue, or from the backend, and never leaves the lock
 * held.
 */
final class AsyncAcquisition extends Waiter {

    private final LocalLockRegistry registry;

    private final String name;

    private final Duration wait;

    private final Deadline deadline;

    private final LockObserver.ObservedLock observed;

    private final CompletableFuture<HeldLock> result = new CompletableFuture<>();

    private NameEntry entry;

    private ShutdownGate.Waiter admission;

    private LockObserver.Wait observation;

    /** Set by the registry's shutdown; the turn, if it comes, is passed on. */
    private volatile boolean shutdown;

    private volatile boolean started;

    /** The backend's acquisition once the turn came; cancelled when the result is. */
    private volatile CompletableFuture<BackendLock> pending;

    AsyncAcquisition(LocalLockRegistry registry, String name, Duration wait, LockObserver.ObservedLock observed) {
        this.registry = registry;
        this.name = name;
        this.wait = wait;
        this.deadline = Deadline.after(wait);
        this.observed = observed;
    }

    /**
     * Queues the acquisition (or starts it at once) and returns its future.
     *
     * @param retained the registry's entry for the name, retained for this acquisition
     * @param waiter the acquisition's admission by the registry's shutdown gate
     * @param wait the observation of the wait
     */
    CompletableFuture<HeldLock> start(NameEntry retained, ShutdownGate.Waiter waiter, LockObserver.Wait wait) {
        this.entry = retained;
        this.admission = waiter;
        this.observation = wait;
        started = true;
        if (shutdown && withdraw()) {
            leaveWithout(null, null);
            return result;
        }
        if (entry.takeOrEnqueue(this)) {
            if (withdraw()) {
                acquireFromBackend();
            }
            else {
                entry.passOn();
            }
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
                leaveQueueOrBackend(ex);
            }
        });
        return result;
    }

    /** The registry is shutting down: leave the queue, or stop the backend's acquisition. */
    void withdrawForShutdown() {
        shutdown = true;
        if (started) {
            leaveQueueOrBackend(null);
        }
    }

    @Override
    void granted() {
        Continuations.executor().execute(this::acquireFromBackend);
    }

    private void expire() {
        if (withdraw()) {
            entry.remove(this);
            leaveWithout(registry.timeout(name, wait, observation), null);
        }
    }

    /**
     * Leaves the queue, or stops the backend's acquisition once the turn came (its completion then
     * ends this acquisition).
     *
     * @param observedFailure why, for the observation, unless shutdown withdrew it
     */
    private void leaveQueueOrBackend(Throwable observedFailure) {
        if (withdraw()) {
            entry.remove(this);
            leaveWithout(null, observedFailure);
            return;
        }
        CompletableFuture<BackendLock> current = pending;
        if (current != null) {
            current.cancel(true);
        }
    }

    /**
     * Ends an acquisition that got no lock and does not have the turn (any more).
     *
     * @param failure what the result fails with, unless shutdown withdrew it
     * @param observedFailure what the observation learns, when {@code failure} does not say it
     */
    private void leaveWithout(RuntimeException failure, Throwable observedFailure) {
        registry.unretain(entry);
        RuntimeException outcome = registry.left(admission, name, failure);
        if (outcome != failure || observedFailure != null) {
            observation.failed(outcome != failure ? outcome : observedFailure);
        }
        if (outcome != null) {
            result.completeExceptionally(outcome);
        }
    }

    /** Runs with the turn: asks the backend, without blocking. */
    private void acquireFromBackend() {
        if (result.isDone() || shutdown) {
            entry.passOn();
            leaveWithout(null, shutdown ? null : new CancellationException("withdrawn before its turn"));
            return;
        }
        LossRelay relay = new LossRelay();
        entry.backendWaitSince = Instant.now();
        CompletableFuture<BackendLock> acquisition;
        try {
            acquisition = registry.backend().acquireAsync(name, deadline, relay);
        }
        catch (RuntimeException ex) {
            acquisition = CompletableFuture.failedFuture(ex);
        }
        pending = acquisition;
        if (result.isDone() || shutdown) {
            acquisition.cancel(true);
        }
        if (acquisition.isDone()) {
            acquisition.whenComplete((lock, ex) -> finish(relay, lock, ex));
        }
        else {
            // never on the backend's thread or a releasing thread: what the caller chained runs from here
            acquisition.whenCompleteAsync((lock, ex) -> finish(relay, lock, ex), Continuations.executor());
        }
    }

    private void finish(LossRelay relay, BackendLock lock, Throwable failure) {
        entry.backendWaitSince = null;
        if (lock != null) {
            RegistryHeldLock held = registry.hold(entry, lock, null, observed, admission);
            if (held == null) {
                registry.giveBack(name, lock);
                entry.passOn();
                leaveWithout(null, null);
                return;
            }
            observation.acquired(lock.fencingToken());
            relay.attach(held);
            if (!result.complete(held)) {
                held.release();
            }
            return;
        }
        entry.passOn();
        if (failure == null) {
            leaveWithout(registry.timeout(name, wait, observation), null);
            return;
        }
        Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
                ? failure.getCause() : failure;
        if (cause instanceof CancellationException) {
            leaveWithout(null, cause);
        }
        else if (cause instanceof InterruptedException interrupted) {
            leaveWithout(new LockInterruptedException(name, interrupted), cause);
        }
        else if (cause instanceof RuntimeException runtime) {
            leaveWithout(runtime, cause);
        }
        else {
            leaveWithout(null, cause);
            result.completeExceptionally(cause);
        }
    }
}
