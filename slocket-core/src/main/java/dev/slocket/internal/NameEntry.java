package dev.slocket.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The in-JVM state of one lock name in one registry: the turn (who of this registry may talk to
 * the backend, then hold the name), the FIFO of waiters for the turn, the current outermost hold,
 * and how many acquisitions use the entry. It exists only while the name is held or awaited;
 * {@link #references} is changed only inside the registry map's atomic compute calls.
 */
final class NameEntry {

    final String name;

    private final ReentrantLock guard = new ReentrantLock();

    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

    /** Whether someone has the turn: it acquires from the backend or holds the name. */
    private boolean taken;

    volatile RegistryHeldLock holder;

    /** When the turn's owner began to wait for the backend; {@code null} when not waiting. */
    volatile Instant backendWaitSince;

    int references;

    NameEntry(String name) {
        this.name = name;
    }

    /** @return whether the caller got the turn at once (nobody has it or waits for it) */
    boolean tryTake() {
        guard.lock();
        try {
            if (taken || !queue.isEmpty()) {
                return false;
            }
            taken = true;
            return true;
        }
        finally {
            guard.unlock();
        }
    }

    /**
     * @param waiter queued unless it gets the turn at once
     * @return whether it got the turn at once
     */
    boolean takeOrEnqueue(Waiter waiter) {
        guard.lock();
        try {
            if (!taken && queue.isEmpty()) {
                taken = true;
                return true;
            }
            queue.add(waiter);
            return false;
        }
        finally {
            guard.unlock();
        }
    }

    /** Removes a waiter that withdrew. */
    void remove(Waiter waiter) {
        guard.lock();
        try {
            queue.remove(waiter);
        }
        finally {
            guard.unlock();
        }
    }

    /** Gives the turn to the first waiter that still waits, or frees it; called by the turn's owner. */
    void passOn() {
        while (true) {
            Waiter next;
            guard.lock();
            try {
                next = queue.poll();
                if (next == null) {
                    taken = false;
                    return;
                }
            }
            finally {
                guard.unlock();
            }
            if (next.grant()) {
                return;
            }
        }
    }

    int localWaiters() {
        guard.lock();
        try {
            return queue.size();
        }
        finally {
            guard.unlock();
        }
    }
}
