package dev.slocket.internal;

import dev.slocket.spi.Deadline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A waiter that parks its own thread until its turn comes, on a {@link CountDownLatch}, never in
 * a monitor, so a waiting virtual thread frees its carrier.
 */
final class BlockedWaiter extends Waiter {

    private final CountDownLatch turn = new CountDownLatch(1);

    /**
     * Waits for the turn of {@code entry}, where this waiter is queued.
     *
     * @return whether the turn came before the deadline; if not, the waiter has withdrawn
     * @throws InterruptedException if interrupted; the waiter has withdrawn or passed the turn on
     */
    boolean await(NameEntry entry, Deadline deadline) throws InterruptedException {
        try {
            if (deadline.isInfinite()) {
                turn.await();
                return true;
            }
            if (turn.await(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (withdraw()) {
                entry.remove(this);
                return false;
            }
            return true;
        }
        catch (InterruptedException ex) {
            if (withdraw()) {
                entry.remove(this);
            }
            else {
                entry.passOn();
            }
            throw ex;
        }
    }

    @Override
    void granted() {
        turn.countDown();
    }
}
