package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockLoss;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Watches one call's lock for a loss while the call runs: remembers the loss and, if asked,
 * interrupts the thread that runs the method. {@link #close()} ends the watch: later losses
 * are ignored and an interrupt this watch raised is cleared, so nothing of it outlives the call.
 */
final class LossWatch implements AutoCloseable {

    private final ReentrantLock guard = new ReentrantLock();

    private final Thread worker;

    private LockLoss loss;

    private boolean interrupted;

    private boolean closed;

    private LossWatch(Thread worker) {
        this.worker = worker;
    }

    /**
     * @param lock the lock of the call
     * @param interruptOnLoss whether a loss interrupts the calling thread
     * @return a watch that ends with {@link #close()}
     */
    static LossWatch start(HeldLock lock, boolean interruptOnLoss) {
        LossWatch watch = new LossWatch(interruptOnLoss ? Thread.currentThread() : null);
        lock.onLost(watch::lost);
        return watch;
    }

    private void lost(LockLoss lost) {
        guard.lock();
        try {
            if (closed) {
                return;
            }
            loss = lost;
            if (worker != null) {
                interrupted = true;
                worker.interrupt();
            }
        }
        finally {
            guard.unlock();
        }
    }

    /** @return the exception that ends the call if the lock was lost while watched, else {@code null} */
    LockLostException lost() {
        guard.lock();
        try {
            return loss == null ? null : new LockLostException(loss);
        }
        finally {
            guard.unlock();
        }
    }

    /** Ends the watch; on the interrupted thread, clears the interrupt it raised. */
    @Override
    public void close() {
        guard.lock();
        try {
            closed = true;
            if (interrupted && Thread.currentThread() == worker) {
                Thread.interrupted();
            }
        }
        finally {
            guard.unlock();
        }
    }
}
