package dev.slocket.spring.integration;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockTimeoutException;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * One name of a {@link SlocketLockRegistry}, as a {@link Lock} owned by the thread that locks it.
 */
final class SlocketLock implements Lock {

    private final SlocketLockRegistry registry;

    private final String name;

    SlocketLock(SlocketLockRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
    }

    @Override
    public void lock() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    acquire(null);
                    return;
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire(null);
    }

    @Override
    public boolean tryLock() {
        try {
            return tryLock(0, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        try {
            acquire(Duration.ofNanos(Math.max(0, unit.toNanos(time))));
            return true;
        }
        catch (LockTimeoutException ex) {
            return false;
        }
    }

    /** @param wait how long to wait, {@code null} for the registry's default */
    private void acquire(Duration wait) throws InterruptedException {
        ThreadHold own = registry.ownHold(name);
        if (own != null) {
            if (own.lock().isHeld()) {
                own.enter();
                return;
            }
            // lost while this thread held it: clean up and take the lock anew
            registry.forget(name, own);
            own.lock().release();
        }
        HeldLock lock;
        try {
            lock = wait == null ? registry.locks().acquire(name) : registry.locks().acquire(name, wait);
        }
        catch (LockInterruptedException ex) {
            Thread.interrupted(); // an InterruptedException carries the interrupt instead of the status
            throw (InterruptedException) new InterruptedException(ex.getMessage()).initCause(ex);
        }
        registry.register(name, lock);
    }

    @Override
    public void unlock() {
        ThreadHold hold = registry.heldBy(name);
        if (hold == null || hold.owner() != Thread.currentThread()) {
            throw new IllegalMonitorStateException("Lock '" + name + "' is not held by " + Thread.currentThread()
                    + (hold == null ? "" : "; it is held by " + hold.owner()));
        }
        boolean lost = !hold.lock().isHeld();
        if (hold.exit()) {
            registry.forget(name, hold);
            hold.lock().release();
        }
        if (lost) {
            throw new ConcurrentModificationException("Lock '" + name + "' was lost before unlock: "
                    + "the work done under it may have overlapped with another holder");
        }
    }

    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("Conditions are not supported by slocket locks");
    }

    @Override
    public String toString() {
        return "SlocketLock[" + name + "]";
    }
}
