package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A thread of the arbiter's own process waiting in the arbiter's FIFO queue beside the remote
 * connections. It is granted by a direct hand-off instead of {@code OK} over a socket, so a lock
 * passed between this process and another costs one message in each direction.
 *
 * <p>When it is next in line behind a grantee of another process, the waiting thread itself
 * blocks until that grantee's connection closes and then lets the arbiter hand over, so the
 * release costs one wake-up instead of two (the loop thread's, then this thread's). The arbiter's
 * monitor still decides every grant, whichever thread notices the release first.
 */
final class LocalWaiter {

    /** How a wait ended. */
    enum Outcome {
        GRANTED, ARBITER_CLOSED, TIMED_OUT
    }

    private Outcome outcome;

    /** Set when a grantee of another process came ahead of this waiter, to watch it. */
    private boolean nudged;

    /** The selector this thread blocks in while it watches a grantee; woken on grant or cancel. */
    private Selector watching;

    /** The arbiter grants (called while it holds its own lock). @return whether the waiter took it */
    synchronized boolean grant() {
        if (outcome != null) {
            return false;
        }
        outcome = Outcome.GRANTED;
        wake();
        return true;
    }

    /** The arbiter closed; the waiter must start over. */
    synchronized void cancel() {
        if (outcome == null) {
            outcome = Outcome.ARBITER_CLOSED;
            wake();
        }
    }

    /** A grantee of another process is now right ahead of this waiter: it may watch that grantee itself. */
    synchronized void nudge() {
        if (outcome == null) {
            nudged = true;
            wake();
        }
    }

    /** @return whether the lock was handed to this waiter */
    synchronized boolean isGranted() {
        return outcome == Outcome.GRANTED;
    }

    /**
     * @return how the wait ended; {@link Outcome#TIMED_OUT} once the deadline passed
     * @throws InterruptedException if interrupted; the caller withdraws the waiter
     */
    Outcome await(Arbiter arbiter, Deadline deadline) throws InterruptedException {
        SocketChannel ignoredByLoop = null;
        try {
            while (true) {
                SocketChannel ahead = arbiter.granteeAheadOf(this);
                if (ahead != ignoredByLoop) {
                    if (ignoredByLoop != null) {
                        arbiter.loopWatchesAgain(ignoredByLoop);
                    }
                    if (ahead != null) {
                        arbiter.loopIgnores(ahead);
                    }
                    ignoredByLoop = ahead;
                }
                if (ahead == null || !watch(ahead, deadline)) {
                    if (ignoredByLoop != null) {
                        arbiter.loopWatchesAgain(ignoredByLoop);
                        ignoredByLoop = null;
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
                synchronized (this) {
                    if (outcome != null) {
                        return outcome;
                    }
                    if (deadline.isExpired()) {
                        return Outcome.TIMED_OUT;
                    }
                }
            }
        }
        finally {
            // granted: the grantee's connection is closed and the loop has nothing left to watch
            if (ignoredByLoop != null && !isGranted()) {
                arbiter.loopWatchesAgain(ignoredByLoop);
            }
        }
    }

    /** @return whether this thread blocked on {@code grantee} until it was readable or we were woken */
    private boolean watch(SocketChannel grantee, Deadline deadline) {
        Selector selector = null;
        try {
            selector = WaitSelectors.take();
            synchronized (this) {
                if (outcome != null) {
                    return false;
                }
                watching = selector;
            }
            grantee.configureBlocking(false);
            grantee.register(selector, SelectionKey.OP_READ);
            long millis = TimeUnit.NANOSECONDS.toMillis(deadline.remainingNanos());
            selector.select(deadline.isInfinite() ? 0 : Math.max(1, millis));
            return true;
        }
        catch (IOException | RuntimeException ex) {
            // the grantee left meanwhile or cannot be watched here: the loop thread notices it
            return false;
        }
        finally {
            synchronized (this) {
                watching = null;
            }
            if (selector != null) {
                WaitSelectors.give(selector);
            }
        }
    }

    private void wake() {
        notifyAll();
        if (watching != null) {
            watching.wakeup();
        }
    }

    /** @return how the wait ended, or {@code null} if nudged first */
    private synchronized Outcome await(Deadline deadline) throws InterruptedException {
        while (outcome == null) {
            if (nudged) {
                nudged = false;
                return null;
            }
            if (deadline.isInfinite()) {
                wait();
            }
            else if (deadline.isExpired()) {
                return Outcome.TIMED_OUT;
            }
            else {
                TimeUnit.NANOSECONDS.timedWait(this, deadline.remainingNanos());
            }
        }
        return outcome;
    }
}
