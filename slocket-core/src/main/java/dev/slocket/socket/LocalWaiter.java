package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A thread of the arbiter's own process waiting in the arbiter's FIFO queue beside the remote
 * connections. It is granted by a direct hand-off instead of {@code OK} over a socket, so a lock
 * passed between this process and another costs one message in each direction.
 *
 * <p>When it is next in line behind a grantee of another process, the waiting thread itself
 * blocks until that grantee's connection closes and then lets the arbiter hand over, so the
 * release costs one wake-up instead of two (the loop thread's, then this thread's); the loop does
 * not watch that grantee meanwhile. The arbiter's lock still decides every grant, whichever thread
 * notices the release first. The waiter
 * blocks on a {@link Condition}, never in a monitor, so a waiting virtual thread frees its carrier.
 * An acquisition that waits without a thread asks to be called back instead ({@link #whenDecided}).
 */
final class LocalWaiter {

    /** How a wait ended. */
    enum Outcome {
        GRANTED, ARBITER_CLOSED, TIMED_OUT
    }

    private final ReentrantLock guard = new ReentrantLock();

    private final Condition decided = guard.newCondition();

    private Outcome outcome;

    /** Set when a grantee of another process came ahead of this waiter, to watch it. */
    private boolean nudged;

    /** The selector this thread blocks in while it watches a grantee; woken on grant or cancel. */
    private Selector watching;

    /** Called once the wait is decided, for a waiter without a thread. */
    private Runnable onDecided;

    private final boolean threadWaits;

    /**
     * @param threadWaits whether a thread waits in {@link #await}, watching a grantee ahead of it;
     *        otherwise the waiter is called back ({@link #whenDecided}) and the arbiter's loop watches
     */
    LocalWaiter(boolean threadWaits) {
        this.threadWaits = threadWaits;
    }

    /** @return whether a thread waits for this waiter's turn and watches a grantee ahead of it */
    boolean threadWaits() {
        return threadWaits;
    }

    /** The arbiter grants (called while it holds its own lock). @return whether the waiter took it */
    boolean grant() {
        guard.lock();
        try {
            if (outcome != null) {
                return false;
            }
            outcome = Outcome.GRANTED;
            wake();
            return true;
        }
        finally {
            guard.unlock();
        }
    }

    /** The arbiter closed; the waiter must start over. */
    void cancel() {
        guard.lock();
        try {
            if (outcome == null) {
                outcome = Outcome.ARBITER_CLOSED;
                wake();
            }
        }
        finally {
            guard.unlock();
        }
    }

    /** A grantee of another process is now right ahead of this waiter: it may watch that grantee itself. */
    void nudge() {
        guard.lock();
        try {
            if (outcome == null) {
                nudged = true;
                wake();
            }
        }
        finally {
            guard.unlock();
        }
    }

    /**
     * Calls {@code callback} once the lock is handed to this waiter or the arbiter closed, at once if
     * that already happened. It may run while the arbiter holds its lock: it must be short and must
     * not call the arbiter.
     */
    void whenDecided(Runnable callback) {
        guard.lock();
        try {
            if (outcome == null) {
                onDecided = callback;
                return;
            }
        }
        finally {
            guard.unlock();
        }
        callback.run();
    }

    /** @return whether the lock was handed to this waiter */
    boolean isGranted() {
        guard.lock();
        try {
            return outcome == Outcome.GRANTED;
        }
        finally {
            guard.unlock();
        }
    }

    /**
     * @param spin how this thread may busy-wait for the grantee ahead of it to release
     * @return how the wait ended; {@link Outcome#TIMED_OUT} once the deadline passed
     * @throws InterruptedException if interrupted; the caller withdraws the waiter
     */
    Outcome await(Arbiter arbiter, Deadline deadline, SpinWait spin) throws InterruptedException {
        while (true) {
            SocketChannel ahead = arbiter.granteeAheadOf(this);
            if (ahead == null || !watch(ahead, deadline, spin)) {
                if (ahead != null) {
                    arbiter.loopWatches(ahead);
                }
                Outcome ended = await(deadline);
                if (ended != null) {
                    return ended;
                }
                continue;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a lock");
            }
            arbiter.connectionReady(ahead);
            guard.lock();
            try {
                if (outcome != null) {
                    return outcome;
                }
                if (deadline.isExpired()) {
                    return Outcome.TIMED_OUT;
                }
            }
            finally {
                guard.unlock();
            }
        }
    }

    /**
     * @return whether this thread spun or blocked on {@code grantee} until it was readable or we
     *         were woken
     */
    private boolean watch(SocketChannel grantee, Deadline deadline, SpinWait spin) {
        Selector selector = null;
        try {
            selector = WaitSelectors.take();
            guard.lock();
            try {
                if (outcome != null) {
                    return false;
                }
                watching = selector;
            }
            finally {
                guard.unlock();
            }
            grantee.configureBlocking(false);
            grantee.register(selector, SelectionKey.OP_READ);
            // selectNow() clears a pending wakeup(): a grant, cancel or nudge meanwhile is seen by woken()
            Selector spinning = selector;
            if (spin.until(() -> isReady(spinning) || woken(), deadline) || woken()) {
                return true;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos());
            selector.select(deadline.isInfinite() ? 0 : Math.max(1, millis));
            return true;
        }
        catch (IOException | RuntimeException ex) {
            // the grantee left meanwhile or cannot be watched here: the loop thread notices it
            return false;
        }
        finally {
            guard.lock();
            try {
                watching = null;
            }
            finally {
                guard.unlock();
            }
            if (selector != null) {
                WaitSelectors.give(selector);
            }
        }
    }

    private static boolean isReady(Selector selector) {
        try {
            return selector.selectNow() > 0;
        }
        catch (IOException ex) {
            return true;
        }
    }

    /** @return whether the wait was decided or a nudge came (taken here: the caller looks again) */
    private boolean woken() {
        guard.lock();
        try {
            if (nudged) {
                nudged = false;
                return true;
            }
            return outcome != null;
        }
        finally {
            guard.unlock();
        }
    }

    private void wake() {
        if (outcome != null && onDecided != null) {
            onDecided.run();
            onDecided = null;
        }
        decided.signalAll();
        if (watching != null) {
            watching.wakeup();
        }
    }

    /** @return how the wait ended, or {@code null} if nudged first */
    private Outcome await(Deadline deadline) throws InterruptedException {
        guard.lock();
        try {
            while (outcome == null) {
                if (nudged) {
                    nudged = false;
                    return null;
                }
                if (deadline.isInfinite()) {
                    decided.await();
                }
                else if (deadline.isExpired()) {
                    return Outcome.TIMED_OUT;
                }
                else {
                    decided.awaitNanos(deadline.remainingNanos());
                }
            }
            return outcome;
        }
        finally {
            guard.unlock();
        }
    }
}
