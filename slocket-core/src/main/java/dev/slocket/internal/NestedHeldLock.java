package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A reentrant acquisition by the thread that already holds the name: releasing it ends only
 * this nesting level.
 */
final class NestedHeldLock implements HeldLock {

    private final RegistryHeldLock outer;

    private final AtomicBoolean released = new AtomicBoolean();

    NestedHeldLock(RegistryHeldLock outer) {
        this.outer = outer;
    }

    @Override
    public String name() {
        return outer.name();
    }

    @Override
    public long fencingToken() {
        return outer.fencingToken();
    }

    @Override
    public Instant acquiredAt() {
        return outer.acquiredAt();
    }

    @Override
    public boolean isHeld() {
        return !released.get() && outer.isHeld();
    }

    @Override
    public void release() {
        if (released.compareAndSet(false, true)) {
            outer.unnest();
        }
    }

    @Override
    public void onLost(Consumer<LockLoss> listener) {
        outer.onLost(listener);
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "HeldLock[" + name() + ", token " + fencingToken() + ", nested" + (isHeld() ? ", held]" : ", not held]");
    }
}
