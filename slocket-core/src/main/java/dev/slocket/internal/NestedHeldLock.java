package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A reentrant acquisition by the thread that already holds the name: releasing it ends only
 * this nesting level, and drops the loss listeners added through it, so that nothing of a
 * nesting level outlives it.
 */
final class NestedHeldLock implements HeldLock {

    private final RegistryHeldLock outer;

    private final AtomicBoolean released = new AtomicBoolean();

    /** Guarded by {@code this}; {@code null} once released. */
    private List<Consumer<LockLoss>> listeners = new ArrayList<>();

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
        if (!released.compareAndSet(false, true)) {
            return;
        }
        List<Consumer<LockLoss>> added;
        synchronized (this) {
            added = listeners;
            listeners = null;
        }
        added.forEach(outer::removeLossListener);
        outer.unnest();
    }

    @Override
    public void releaseNoEarlierThan(Instant notBefore) {
        if (!released.get()) {
            outer.holdUntil(notBefore);
        }
        release();
    }

    @Override
    public void onLost(Consumer<LockLoss> listener) {
        synchronized (this) {
            if (listeners == null) {
                return;
            }
            listeners.add(listener);
        }
        outer.onLost(listener);
        boolean releasedMeanwhile;
        synchronized (this) {
            releasedMeanwhile = listeners == null;
        }
        if (releasedMeanwhile) {
            outer.removeLossListener(listener);
        }
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
