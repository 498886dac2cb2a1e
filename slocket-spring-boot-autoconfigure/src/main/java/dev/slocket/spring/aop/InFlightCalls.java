package dev.slocket.spring.aop;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Counts {@code @Mutexed} calls that are running, and futures and subscriptions that still hold
 * their lock, so that shutdown can wait for them.
 */
public final class InFlightCalls {

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition idle = lock.newCondition();

    private int running;

    void enter() {
        lock.lock();
        try {
            running++;
        }
        finally {
            lock.unlock();
        }
    }

    void exit() {
        lock.lock();
        try {
            running--;
            if (running == 0) {
                idle.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
    }

    /** @return how many calls and asynchronous holds are running now */
    public int running() {
        lock.lock();
        try {
            return running;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no call or asynchronous hold runs.
     *
     * @param timeout the longest wait
     * @return whether all of them finished in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (running > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        }
        finally {
            lock.unlock();
        }
    }
}
