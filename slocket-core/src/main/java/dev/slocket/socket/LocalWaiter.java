package dev.slocket.socket;

import dev.slocket.spi.Deadline;

import java.util.concurrent.TimeUnit;

/**
 * A thread of the arbiter's own process waiting in the arbiter's FIFO queue beside the remote
 * connections. It is granted by a direct hand-off instead of {@code OK} over a socket, so a lock
 * passed between this process and another costs one message in each direction.
 */
final class LocalWaiter {

    /** How a wait ended. */
    enum Outcome {
        GRANTED, ARBITER_CLOSED, TIMED_OUT
    }

    private Outcome outcome;

    /** The arbiter grants (called while it holds its own lock). @return whether the waiter took it */
    synchronized boolean grant() {
        if (outcome != null) {
            return false;
        }
        outcome = Outcome.GRANTED;
        notifyAll();
        return true;
    }

    /** The arbiter closed; the waiter must start over. */
    synchronized void cancel() {
        if (outcome == null) {
            outcome = Outcome.ARBITER_CLOSED;
            notifyAll();
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
    synchronized Outcome await(Deadline deadline) throws InterruptedException {
        while (outcome == null) {
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
