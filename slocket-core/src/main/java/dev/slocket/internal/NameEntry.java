package dev.slocket.internal;

import java.time.Instant;
import java.util.concurrent.Semaphore;

/**
 * The in-JVM state of one lock name in one registry: a fair one-permit queue, the current
 * outermost hold, and how many threads use the entry. It exists only while the name is held or
 * awaited; {@link #references} is changed only inside the registry map's atomic compute calls.
 */
final class NameEntry {

    final String name;

    /** One permit: the thread that has it is the only one of this registry talking to the backend. */
    final Semaphore permit = new Semaphore(1, true);

    volatile RegistryHeldLock holder;

    /** When the permit holder began to wait for the backend; {@code null} when not waiting. */
    volatile Instant backendWaitSince;

    int references;

    NameEntry(String name) {
        this.name = name;
    }

    int localWaiters() {
        return permit.getQueueLength();
    }
}
