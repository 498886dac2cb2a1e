package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockLostException;
import dev.slocket.LockTimeoutException;
import dev.slocket.SlocketException;
import dev.slocket.internal.Continuations;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Holds the lock until the returned {@link CompletionStage} completes, fails or is cancelled. No
 * thread owns the lock, so later calls from the calling thread wait for the stage like any other
 * caller. The caller gets a dependent stage that completes once the lock is released: with the
 * method's outcome, or with {@link LockLostException} if the lock was lost while the stage ran
 * and it did not fail on its own. Cancelling the dependent future cancels the method's future, or
 * withdraws a call that still waits for the lock (the method then never runs).
 *
 * <p>Threads: when the lock can be taken at once, the method runs on the calling thread, and a
 * timeout or failure of that one attempt is thrown there. Otherwise the calling thread does not
 * wait: the call returns the dependent future at once and waits for the lock as a queued
 * continuation, with no thread of its own; the method runs when the lock is granted, on the
 * library's continuation pool ({@link Continuations}), without the caller's thread-locals (its
 * transaction, security context, logging context). A timeout then fails the dependent future with
 * {@link LockTimeoutException}, or completes it with {@code null} for {@code SKIP}. The method
 * should start its work and return: while it runs, it delays the other waiters' turns on that
 * pool. The calling thread still waits for the lock in two cases: an {@code @Async} method (its
 * executor's thread is there to run the work), and a declared return type that a plain
 * {@link CompletableFuture} is not (a subclass, another stage type), because a dependent of that
 * type can only be made from the method's own result.
 */
final class CompletionStageReturnHandler implements MutexedReturnHandler {

    @Override
    public boolean supports(Class<?> returnType) {
        return CompletionStage.class.isAssignableFrom(returnType);
    }

    @Override
    public Object skippedValue(Class<?> returnType) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Object invoke(LockedCall call) throws Throwable {
        CompletableFuture<HeldLock> request = call.acquireAsync();
        if (!request.isDone() && !call.runsOnAsyncExecutor()
                && call.returnType().isAssignableFrom(CompletableFuture.class)) {
            return queued(call, request);
        }
        HeldLock lock;
        try {
            lock = await(call, request);
        }
        catch (LockTimeoutException ex) {
            return call.skipOrThrow(ex);
        }
        AsyncHold hold = call.holdAsync(lock);
        Object result = proceed(call, hold);
        if (result == null) {
            hold.end();
            throwIfLost(hold);
            return null;
        }
        Object dependent = result instanceof CompletableFuture<?> future
                ? dependentFuture(future, newDependent(call.returnType(), future), hold)
                : ((CompletionStage<?>) result).handle((value, failure) -> outcome(hold, value, failure));
        if (call.returnType().isInstance(dependent)) {
            return dependent;
        }
        // dependents of this stage type are of another type: the dependent still releases the
        // lock when the stage completes, but the caller gets the stage as is
        return result;
    }

    /**
     * Waits on the calling thread (not at all if the request is done) for a lock that no thread
     * owns, so that any thread may release it.
     */
    private static HeldLock await(LockedCall call, CompletableFuture<HeldLock> request) {
        try {
            return request.get();
        }
        catch (InterruptedException ex) {
            if (!request.cancel(true) && !request.isCompletedExceptionally()) {
                request.join().release();
            }
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(call.name(), ex);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SlocketException("Acquiring lock '" + call.name() + "' failed", ex.getCause());
        }
    }

    /**
     * Returns the dependent future of a call whose lock is not free now: the method runs on the
     * continuation pool once the request is granted; cancelling the dependent withdraws the request.
     */
    private static CompletableFuture<Object> queued(LockedCall call, CompletableFuture<HeldLock> request) {
        CompletableFuture<Object> dependent = new CompletableFuture<>();
        dependent.whenComplete((value, failure) -> {
            if (failure instanceof CancellationException) {
                request.cancel(true);
            }
        });
        request.whenCompleteAsync((lock, failure) -> {
            if (lock != null) {
                runGranted(call, lock, dependent);
            }
            else {
                endUngranted(call, failure, dependent);
            }
        }, Continuations.executor());
        return dependent;
    }

    private static void runGranted(LockedCall call, HeldLock lock, CompletableFuture<Object> dependent) {
        if (dependent.isDone()) {
            // cancelled as the lock was granted: the method never ran, so nothing holds the lock on
            lock.release();
            return;
        }
        AsyncHold hold = call.holdAsync(lock);
        Object result;
        try {
            result = proceed(call, hold);
        }
        catch (Throwable ex) {
            dependent.completeExceptionally(ex);
            return;
        }
        if (result instanceof CompletableFuture<?> future) {
            dependentFuture(future, dependent, hold);
        }
        else if (result != null) {
            ((CompletionStage<?>) result).whenComplete((value, failure) -> settle(dependent, hold, value, failure));
        }
        else {
            settle(dependent, hold, null, null);
        }
    }

    /** Runs the method under the held lock; a method that throws ends the hold. */
    private static Object proceed(LockedCall call, AsyncHold hold) throws Throwable {
        try {
            return call.proceed(hold.lock());
        }
        catch (Throwable ex) {
            hold.end();
            throw ex;
        }
    }

    private static void endUngranted(LockedCall call, Throwable failure, CompletableFuture<Object> dependent) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof LockTimeoutException && call.skipOnTimeout()) {
            call.logSkipped();
            dependent.complete(null);
        }
        else {
            // a cancellation came from the dependent itself, which is then cancelled already
            dependent.completeExceptionally(cause);
        }
    }

    /** A plain future where the declared type allows one: a minimal stage cannot even be completed. */
    private static CompletableFuture<Object> newDependent(Class<?> returnType, CompletableFuture<?> original) {
        return returnType.isAssignableFrom(CompletableFuture.class) ? new CompletableFuture<>()
                : original.newIncompleteFuture();
    }

    private static CompletableFuture<Object> dependentFuture(CompletableFuture<?> original,
            CompletableFuture<Object> dependent, AsyncHold hold) {
        original.whenComplete((value, failure) -> settle(dependent, hold, value, failure));
        dependent.whenComplete((value, failure) -> {
            if (failure instanceof CancellationException) {
                original.cancel(true);
            }
        });
        return dependent;
    }

    /** Releases the lock, then completes {@code dependent} with the outcome, failed if the lock was lost. */
    private static void settle(CompletableFuture<Object> dependent, AsyncHold hold, Object value, Throwable failure) {
        hold.end();
        Throwable end = failure != null ? failure : hold.lost();
        if (failure instanceof CancellationException) {
            dependent.cancel(false);
        }
        else if (end != null) {
            dependent.completeExceptionally(end);
        }
        else {
            dependent.complete(value);
        }
    }

    /** Releases the lock, then passes the stage's outcome on, failed if the lock was lost. */
    private static Object outcome(AsyncHold hold, Object value, Throwable failure) {
        hold.end();
        if (failure != null) {
            throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
        }
        throwIfLost(hold);
        return value;
    }

    private static void throwIfLost(AsyncHold hold) {
        LockLostException lost = hold.lost();
        if (lost != null) {
            throw lost;
        }
    }
}
