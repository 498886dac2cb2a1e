package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockTimeoutException;

import java.util.Optional;

/**
 * Holds the lock for the duration of the call, on the calling thread, and past it until a
 * transaction the call joined completes. Handles every return type; declarations whose result
 * could outlive the call are rejected at start-up (see {@link UnholdableResults}). A call whose lock was lost while the method ran ends with
 * {@link LockLostException}; an interrupt raised for the loss is cleared first.
 */
final class BlockingReturnHandler implements MutexedReturnHandler {

    @Override
    public boolean supports(Class<?> returnType) {
        return true;
    }

    @Override
    public Object skippedValue(Class<?> returnType) {
        return returnType == Optional.class ? Optional.empty() : null;
    }

    @Override
    public Object invoke(LockedCall call) throws Throwable {
        HeldLock lock;
        try {
            lock = call.acquire();
        }
        catch (LockTimeoutException ex) {
            return call.skipOrThrow(ex);
        }
        Object result;
        LockLostException lost;
        try (LossWatch watch = LossWatch.start(lock, call.interruptOnLoss())) {
            try {
                result = call.proceed(lock);
            }
            finally {
                call.releaseOnThisThread(lock);
            }
            lost = watch.lost();
        }
        if (lost != null) {
            throw lost;
        }
        return result;
    }
}
