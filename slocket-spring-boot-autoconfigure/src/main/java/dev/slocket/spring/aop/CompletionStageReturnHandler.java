package dev.slocket.spring.aop;

import dev.slocket.HeldLock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Holds the lock until the returned {@link CompletionStage} completes, fails or is cancelled.
 * The caller waits for the lock; the lock is not owned by the calling thread, so later calls
 * from that thread wait for the stage like any other caller.
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
        HeldLock lock = call.acquireDetached();
        if (lock == null) {
            return call.skipped();
        }
        Object result;
        try {
            result = call.proceed(lock);
        }
        catch (Throwable ex) {
            call.release(lock);
            throw ex;
        }
        if (result == null) {
            call.release(lock);
            return null;
        }
        ((CompletionStage<?>) result).whenComplete((value, failure) -> call.release(lock));
        return result;
    }
}
