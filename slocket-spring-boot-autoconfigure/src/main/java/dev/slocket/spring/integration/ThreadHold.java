package dev.slocket.spring.integration;

import dev.slocket.HeldLock;

/**
 * A slocket lock held through {@link SlocketLockRegistry} by one thread, with its reentrancy
 * depth. Only the owner thread changes the depth.
 */
final class ThreadHold {

    private final Thread owner;

    private final HeldLock lock;

    private int depth = 1;

    ThreadHold(Thread owner, HeldLock lock) {
        this.owner = owner;
        this.lock = lock;
    }

    Thread owner() {
        return owner;
    }

    HeldLock lock() {
        return lock;
    }

    void enter() {
        depth++;
    }

    /** @return whether this was the outermost level */
    boolean exit() {
        return --depth == 0;
    }
}
