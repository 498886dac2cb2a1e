package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.LockObserver;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost hold of a name by one registry.
 */
final class RegistryHeldLock implements HeldLock {

    private static final Logger log = LoggerFactory.getLogger(RegistryHeldLock.class);

    private final LocalLockRegistry registry;

    private final NameEntry entry;

    private final BackendLock backendLock;

    private final Instant acquiredAt;

    private final LockObserver.ObservedLock observed;

    /** The thread that may re-enter; {@code null} for locks acquired asynchronously. */
    private final Thread owner;

    private final AtomicBoolean released = new AtomicBoolean();

    private final AtomicInteger nesting = new AtomicInteger();

    private final List<Consumer<LockLoss>> lossListeners = new ArrayList<>();

    private LockLoss loss;

    RegistryHeldLock(LocalLockRegistry registry, NameEntry entry, BackendLock backendLock, Thread owner,
            LockObserver.ObservedLock observed) {
        this.registry = registry;
        this.observed = observed;
        this.entry = entry;
        this.backendLock = backendLock;
        this.owner = owner;
        this.acquiredAt = Instant.now();
    }

    @Override
    public String name() {
        return entry.name;
    }

    @Override
    public long fencingToken() {
        return backendLock.fencingToken();
    }

    @Override
    public Instant acquiredAt() {
        return acquiredAt;
    }

    @Override
    public boolean isHeld() {
        return !released.get() && !isLost();
    }

    LockObserver.ObservedLock observed() {
        return observed;
    }

    /** @return the thread that acquired this lock; {@code null} for an asynchronous acquisition */
    Thread owner() {
        return owner;
    }

    boolean isOwnedBy(Thread thread) {
        return owner == thread && !released.get();
    }

    synchronized boolean isLost() {
        return loss != null;
    }

    synchronized LockLoss loss() {
        return loss;
    }

    HeldLock nest() {
        nesting.incrementAndGet();
        return new NestedHeldLock(this);
    }

    void unnest() {
        nesting.decrementAndGet();
    }

    int nesting() {
        return nesting.get();
    }

    @Override
    public void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        registry.release(entry, this, backendLock);
    }

    @Override
    public void onLost(Consumer<LockLoss> listener) {
        LockLoss lost;
        synchronized (this) {
            lost = loss;
            if (lost == null) {
                lossListeners.add(listener);
                return;
            }
        }
        LocalLockRegistry.notifySafely(listener, lost);
    }

    void markLost(String reason) {
        List<Consumer<LockLoss>> listeners;
        LockLoss lost;
        synchronized (this) {
            if (loss != null || released.get()) {
                return;
            }
            loss = new LockLoss(entry.name, fencingToken(), registry.backendType(), reason, Instant.now());
            lost = loss;
            listeners = List.copyOf(lossListeners);
            lossListeners.clear();
        }
        log.warn("Lost lock '{}' (fencing token {}, backend {}): {}", lost.name(), lost.fencingToken(),
                lost.backend(), reason);
        listeners.forEach(listener -> LocalLockRegistry.notifySafely(listener, lost));
        registry.lockLost(observed, lost);
    }

    @Override
    public void close() {
        release();
    }

    @Override
    public String toString() {
        return "HeldLock[" + entry.name + ", token " + fencingToken() + (isHeld() ? ", held]" : ", not held]");
    }
}
