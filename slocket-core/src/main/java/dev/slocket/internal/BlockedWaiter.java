package dev.slocket.internal;

import dev.slocket.spi.Deadline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A waiter that parks its own thread until its turn comes. Parking uses
 * {@link java.util.concurrent.locks.LockSupport} (through {@link CompletableFuture#get}), never a
 * monitor, so a waiting virtual thread frees its carrier.
 */
final class BlockedWaiter extends Waiter {

    private final CompletableFuture<Void> turn = new CompletableFuture<>();

    /**
     * Waits for the turn of {@code entry}, where this waiter is queued.
     *
     * @return whether the turn came before the deadline; if not, the waiter has withdrawn
     * @throws InterruptedException if interrupted; the waiter has withdrawn or passed the turn on
     */
    boolean await(NameEntry entry, Deadline deadline) throws InterruptedException {
        try {
            if (deadline.isInfinite()) {
                turn.get();
            }
            else {
                turn.get(deadline.remainingNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        }
        catch (TimeoutException ex) {
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
        catch (ExecutionException ex) {
            throw (RuntimeException) ex.getCause();
        }
    }

    @Override
    void granted() {
        turn.complete(null);
    }

    @Override
    void closed(RuntimeException failure) {
        turn.completeExceptionally(failure);
    }
}
