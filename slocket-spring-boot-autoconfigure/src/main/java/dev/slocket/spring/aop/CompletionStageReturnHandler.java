package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockLostException;
import dev.slocket.LockTimeoutException;
import dev.slocket.SlocketException;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Holds the lock until the returned {@link CompletionStage} completes, fails or is cancelled.
 * The caller waits for the lock; the lock is not owned by the calling thread, so later calls
 * from that thread wait for the stage like any other caller. The caller gets a dependent stage
 * that completes once the lock is released: with the method's outcome, or with
 * {@link LockLostException} if the lock was lost while the stage ran and it did not fail on its
 * own. Cancelling the dependent future cancels the method's future.
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
        HeldLock lock;
        try {
            lock = acquireDetached(call);
        }
        catch (LockTimeoutException ex) {
            return call.skipOrThrow(ex);
        }
        AsyncHold hold = call.holdAsync(lock);
        Object result;
        try {
            result = call.proceed(lock);
        }
        catch (Throwable ex) {
            hold.end();
            throw ex;
        }
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

    /** Waits on the calling thread for a lock that no thread owns, so that any thread may release it. */
    private static HeldLock acquireDetached(LockedCall call) {
        CompletableFuture<HeldLock> future = call.acquireAsync();
        try {
            return future.get();
        }
        catch (InterruptedException ex) {
            if (!future.cancel(true) && !future.isCompletedExceptionally()) {
                future.join().release();
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

    /** A plain future where the declared type allows one: a minimal stage cannot even be completed. */
    private static CompletableFuture<Object> newDependent(Class<?> returnType, CompletableFuture<?> original) {
        return returnType.isAssignableFrom(CompletableFuture.class) ? new CompletableFuture<>()
                : original.newIncompleteFuture();
    }

    private static CompletableFuture<Object> dependentFuture(CompletableFuture<?> original,
            CompletableFuture<Object> dependent, AsyncHold hold) {
        original.whenComplete((value, failure) -> {
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
        });
        dependent.whenComplete((value, failure) -> {
            if (failure instanceof CancellationException) {
                original.cancel(true);
            }
        });
        return dependent;
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
