package dev.slocket.spring.aop;

import dev.slocket.HeldLock;

import java.util.Optional;

/**
 * Holds the lock for the duration of the call, on the calling thread. Handles every return type.
 * A call whose lock was lost while the method ran ends with {@link dev.slocket.LockLostException}.
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
        HeldLock lock = call.acquireOnThisThread();
        if (lock == null) {
            return call.skipped();
        }
        Object result;
        try {
            result = call.proceed(lock);
        }
        finally {
            call.release(lock);
        }
        call.throwIfLost();
        return result;
    }
}
