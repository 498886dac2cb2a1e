package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockLoss;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.LockObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost hold of a name by one registry. A release may be deferred
 * ({@link #releaseNoEarlierThan}): the lock then stays held, by no thread, until a scheduler
 * ends it.
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

    /** Set by the first release request; the owner can no longer re-enter. */
    private final AtomicBoolean releaseRequested = new AtomicBoolean();

    /** Set when the backend lock is given up. */
    private final AtomicBoolean released = new AtomicBoolean();

    private final AtomicInteger nesting = new AtomicInteger();

    private final List<Consumer<LockLoss>> lossListeners = new ArrayList<>();

    private LockLoss loss;

    /** The earliest release any handle asked for; guarded by {@code this}. */
    private Instant notBefore;

    private volatile ScheduledFuture<?> deferredRelease;

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
        if (released.get() || isLost()) {
            return false;
        }
        if (!backendLock.isValid()) {
            markLost("the backend's hold ran out before it was renewed; another process may hold the lock");
            return false;
        }
        return true;
    }

    LockObserver.ObservedLock observed() {
        return observed;
    }

    /** @return the thread that acquired this lock; {@code null} for an asynchronous acquisition */
    Thread owner() {
        return owner;
    }

    boolean isOwnedBy(Thread thread) {
        return owner == thread && !releaseRequested.get();
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
        releaseNoEarlierThan(null);
    }

    @Override
    public void releaseNoEarlierThan(Instant time) {
        holdUntil(time);
        if (!releaseRequested.compareAndSet(false, true)) {
            return;
        }
        Instant until;
        synchronized (this) {
            until = notBefore;
        }
        Duration delay = until == null ? Duration.ZERO : Duration.between(Instant.now(), until);
        if (delay.isNegative() || delay.isZero() || isLost()) {
            end();
            return;
        }
        log.debug("Lock '{}' (fencing token {}) stays held until {}", entry.name, fencingToken(), until);
        deferredRelease = DeferredReleases.schedule(this::end, delay);
    }

    /** Releases at once if the release was deferred: nobody runs under this lock any more. */
    void endDeferredRelease() {
        ScheduledFuture<?> deferred = deferredRelease;
        if (deferred != null) {
            deferred.cancel(false);
            end();
        }
    }

    /**
     * Makes the outermost release happen no earlier than {@code time}.
     *
     * @param time the earliest release, or {@code null} for no constraint
     */
    synchronized void holdUntil(Instant time) {
        if (time != null && (notBefore == null || time.isAfter(notBefore))) {
            notBefore = time;
        }
    }

    private void end() {
        if (released.compareAndSet(false, true)) {
            registry.release(entry, this, backendLock);
        }
    }

    /**
     * Drops a listener added with {@link #onLost}, e.g. when the nested handle that added it ends.
     *
     * @param listener the listener as added
     */
    synchronized void removeLossListener(Consumer<LockLoss> listener) {
        lossListeners.remove(listener);
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
