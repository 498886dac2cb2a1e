package dev.slocket.internal;

import dev.slocket.SlocketException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is using a registry's backend (threads waiting for a lock, outermost holds), and the
 * registry's shutdown: new acquisitions fail at once, waiters are withdrawn (interrupted, and
 * whatever they still get is given back), holders may finish within the grace period, and what
 * is still held then is logged and never released from under its holder. The backend is closed
 * once nobody uses it, which may be after shutdown returned.
 */
final class ShutdownGate {

    private static final Logger log = LoggerFactory.getLogger(ShutdownGate.class);

    /** How often a shutdown looks again at holders that cannot signal (a holder stuck in exit). */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String backendType;

    private final Runnable closeBackend;

    private final ReentrantLock lock = new ReentrantLock();

    private final Condition changed = lock.newCondition();

    private final Set<Waiter> waiters = new HashSet<>();

    private final Set<RegistryHeldLock> holds = new HashSet<>();

    private boolean closing;

    private long graceEndsNanos;

    private boolean reported;

    private boolean backendClosed;

    /**
     * @param backendType for messages
     * @param closeBackend run once, when the registry is closing and nobody uses the backend
     */
    ShutdownGate(String backendType, Runnable closeBackend) {
        this.backendType = backendType;
        this.closeBackend = closeBackend;
    }

    /**
     * An acquisition from before its local queue until it holds or gives up: a waiting thread, or
     * an asynchronous acquisition that no thread waits for.
     */
    static final class Waiter {

        /** The waiting thread, interrupted to withdraw it; {@code null} for an asynchronous acquisition. */
        private final Thread thread;

        /** Withdraws an asynchronous acquisition; {@code null} for a thread. */
        private final Runnable withdrawal;

        private boolean withdrawn;

        private boolean interruptedBefore;

        private boolean gone;

        private Waiter(Thread thread, Runnable withdrawal) {
            this.thread = thread;
            this.withdrawal = withdrawal;
        }
    }

    /**
     * @param name the lock asked for
     * @return the calling thread's admission as a waiter
     * @throws SlocketException if the registry is closing
     */
    Waiter enter(String name) {
        return enter(new Waiter(Thread.currentThread(), null), name);
    }

    /**
     * @param name the lock asked for
     * @param withdrawal withdraws the asynchronous acquisition when shutdown begins; runs once, on
     *        the shutting-down thread, and must not block
     * @return the asynchronous acquisition's admission as a waiter
     * @throws SlocketException if the registry is closing
     */
    Waiter enter(String name, Runnable withdrawal) {
        return enter(new Waiter(null, withdrawal), name);
    }

    private Waiter enter(Waiter waiter, String name) {
        lock.lock();
        try {
            if (closing) {
                throw refusal(name);
            }
            waiters.add(waiter);
            return waiter;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * The waiter got the lock.
     *
     * @return whether it may keep it; {@code false} once it was withdrawn: it must give the lock back
     */
    boolean holdStarted(Waiter waiter, RegistryHeldLock hold) {
        lock.lock();
        try {
            if (waiter.withdrawn) {
                return false;
            }
            waiters.remove(waiter);
            holds.add(hold);
            return true;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * The waiter leaves without a lock (or gave back what it got). A withdrawn waiter's interrupt
     * is consumed (unless the thread had been interrupted before) and its failure becomes "closing".
     * Later calls for the same waiter return {@code failure} unchanged.
     *
     * @param failure why it leaves; {@code null} if it gave back a lock it got after being withdrawn
     * @return the exception to throw
     */
    RuntimeException left(Waiter waiter, String name, RuntimeException failure) {
        boolean withdrawn;
        lock.lock();
        try {
            if (waiter.gone) {
                return failure;
            }
            waiter.gone = true;
            waiters.remove(waiter);
            withdrawn = waiter.withdrawn;
            if (withdrawn && waiter.thread == Thread.currentThread() && !waiter.interruptedBefore) {
                Thread.interrupted();
            }
        }
        finally {
            lock.unlock();
        }
        closeBackendIfUnused();
        if (!withdrawn) {
            return failure;
        }
        SlocketException closed = closing(name, "withdrew the wait for");
        if (failure != null) {
            closed.addSuppressed(failure);
        }
        return closed;
    }

    /** An outermost hold ended (released, or given back). */
    void holdEnded(RegistryHeldLock hold) {
        lock.lock();
        try {
            if (holds.remove(hold)) {
                changed.signalAll();
            }
        }
        finally {
            lock.unlock();
        }
        closeBackendIfUnused();
    }

    /** @return whether shutdown has begun */
    boolean isClosing() {
        lock.lock();
        try {
            return closing;
        }
        finally {
            lock.unlock();
        }
    }

    /**
     * Begins the shutdown, unless it has begun: new acquisitions fail from now on, every waiter
     * is withdrawn, and the grace period starts.
     *
     * @param grace how long {@link #awaitEnd()} waits for holders, from now
     */
    void begin(Duration grace) {
        List<Runnable> withdrawals;
        lock.lock();
        try {
            if (closing) {
                return;
            }
            closing = true;
            graceEndsNanos = System.nanoTime() + Math.min(grace.toNanos(), Long.MAX_VALUE / 4);
            withdrawals = withdrawWaiters();
            log.debug("Lock registry ({}) is closing: {} waiter(s) withdrawn, {} lock(s) held", backendType,
                    waiters.size(), holds.size());
        }
        finally {
            lock.unlock();
        }
        // outside the lock: an asynchronous acquisition's failure runs its caller's continuations
        withdrawals.forEach(Runnable::run);
    }

    /**
     * Waits until nothing is held or awaited, or the grace period ends. Locks still held then are
     * logged (once) and stay held: their holders may still run.
     *
     * @return whether nothing is held or awaited any more
     */
    boolean awaitEnd() {
        List<RegistryHeldLock> stillHeld;
        lock.lock();
        try {
            awaitHolders();
            stillHeld = List.copyOf(holds);
            if (reported) {
                stillHeld = List.of();
            }
            reported |= !stillHeld.isEmpty();
        }
        finally {
            lock.unlock();
        }
        for (RegistryHeldLock held : stillHeld) {
            log.warn("Lock '{}' (fencing token {}, backend {}) is still held by {} after the shutdown grace period; "
                    + "it is not released from under its holder: it is freed when the holder releases it or the "
                    + "process exits", held.name(), held.fencingToken(), backendType, holderOf(held));
        }
        closeBackendIfUnused();
        return isUnused();
    }

    /** @return the withdrawals of the asynchronous acquisitions, to run once the lock is released */
    private List<Runnable> withdrawWaiters() {
        List<Runnable> withdrawals = new ArrayList<>();
        for (Waiter waiter : waiters) {
            waiter.withdrawn = true;
            if (waiter.thread == null) {
                withdrawals.add(waiter.withdrawal);
                continue;
            }
            waiter.interruptedBefore = waiter.thread.isInterrupted();
            waiter.thread.interrupt();
        }
        return withdrawals;
    }

    private void awaitHolders() {
        boolean interrupted = false;
        try {
            while (!waiters.isEmpty() || holds.stream().anyMatch(ShutdownGate::mayFinish)) {
                long left = graceEndsNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    changed.awaitNanos(Math.min(left, RECHECK_NANOS));
                }
                catch (InterruptedException ex) {
                    interrupted = true;
                    return;
                }
            }
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @return whether waiting can let {@code hold} end: not when its thread is the one shutting
     *         down, has ended without releasing, or is stuck in {@code System.exit} (and so waits
     *         for this shutdown to end)
     */
    private static boolean mayFinish(RegistryHeldLock hold) {
        Thread owner = hold.owner();
        if (owner == null) {
            return true;
        }
        if (owner == Thread.currentThread() || !owner.isAlive()) {
            return false;
        }
        for (StackTraceElement frame : owner.getStackTrace()) {
            if ("java.lang.Shutdown".equals(frame.getClassName()) && "exit".equals(frame.getMethodName())) {
                return false;
            }
        }
        return true;
    }

    private static String holderOf(RegistryHeldLock hold) {
        Thread owner = hold.owner();
        return (owner != null) ? "thread '" + owner.getName() + "'" : "an asynchronous acquisition";
    }

    private boolean isUnused() {
        lock.lock();
        try {
            return waiters.isEmpty() && holds.isEmpty();
        }
        finally {
            lock.unlock();
        }
    }

    private void closeBackendIfUnused() {
        lock.lock();
        try {
            if (!closing || backendClosed || !waiters.isEmpty() || !holds.isEmpty()) {
                return;
            }
            backendClosed = true;
        }
        finally {
            lock.unlock();
        }
        closeBackend.run();
        log.debug("Lock registry ({}) closed its backend", backendType);
    }

    /** @return the failure of an acquisition that the closing registry refuses */
    SlocketException refusal(String name) {
        return closing(name, "cannot acquire");
    }

    private SlocketException closing(String name, String what) {
        return new SlocketException("Lock registry (" + backendType + ") is closing: " + what + " lock '" + name + "'");
    }
}
