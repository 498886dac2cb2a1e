package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A lock held past the call by a future or a subscription: counted as in flight until it ends,
 * so that shutdown waits for it, and remembering whether it was lost meanwhile.
 */
final class AsyncHold {

    private final LockedCall call;

    private final HeldLock lock;

    private final InFlightCalls inFlight;

    private final LossWatch watch;

    private final AtomicBoolean ended = new AtomicBoolean();

    AsyncHold(LockedCall call, HeldLock lock, InFlightCalls inFlight) {
        this.call = call;
        this.lock = lock;
        this.inFlight = inFlight;
        inFlight.enter();
        this.watch = LossWatch.start(lock, false);
    }

    /** @return the held lock */
    HeldLock lock() {
        return lock;
    }

    /** Releases the lock and stops counting it as in flight; only the first call does anything. */
    void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            watch.close();
            call.release(lock);
        }
        finally {
            inFlight.exit();
        }
    }

    /** @return the exception that ends the call if the lock was lost before it ended, else {@code null} */
    LockLostException lost() {
        return watch.lost();
    }
}
