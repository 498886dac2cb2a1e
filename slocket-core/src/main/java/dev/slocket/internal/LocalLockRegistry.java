package dev.slocket.internal;

import dev.slocket.HeldLock;
import dev.slocket.LockInfo;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockLostException;
import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.RegistryOptions;
import dev.slocket.SlocketException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LockNames;
import dev.slocket.spi.LockObserver;
import dev.slocket.spi.LockTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-JVM layer every backend sits behind: a fair per-name queue of blocked threads and
 * asynchronous continuations alike, so that the backend sees at most one outstanding acquisition
 * per name, reentrancy per thread, and loss reporting.
 * State for a name exists only while it is held or awaited.
 *
 * <p>Shutdown ({@link #close()}, or the JVM's shutdown when {@link RegistryOptions#shutdownHook()})
 * never releases a lock whose holder may still run; see {@link ShutdownGate}.
 */
public final class LocalLockRegistry implements LockRegistry {

    private static final Logger log = LoggerFactory.getLogger(LocalLockRegistry.class);

    private static final AtomicInteger REGISTRY_IDS = new AtomicInteger();

    private final LockBackend backend;

    private final RegistryOptions options;

    private final ConcurrentHashMap<String, NameEntry> entries = new ConcurrentHashMap<>();

    private final List<Consumer<LockLoss>> lossListeners = new CopyOnWriteArrayList<>();

    private final Observers observers = new Observers();

    private final ShutdownGate gate;

    private final Thread shutdownHook;

    /**
     * @param backend the backend that arbitrates between registries and processes
     * @param defaultWait the wait of {@link #acquire(String)}; {@code null} waits forever
     */
    public LocalLockRegistry(LockBackend backend, Duration defaultWait) {
        this(RegistryOptions.defaults().withDefaultWait(defaultWait), backend);
    }

    private LocalLockRegistry(RegistryOptions options, LockBackend backend) {
        this.backend = backend;
        this.options = options;
        this.gate = new ShutdownGate(backend.type(), backend::close);
        int id = REGISTRY_IDS.incrementAndGet();
        this.shutdownHook = options.shutdownHook() ? new Thread(this::closeAtShutdown, "slocket-" + id + "-shutdown")
                : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /**
     * @param backend the backend that arbitrates between registries and processes
     * @param options the default wait and how the registry shuts down
     * @return the registry
     */
    public static LocalLockRegistry create(LockBackend backend, RegistryOptions options) {
        return new LocalLockRegistry(options, backend);
    }

    @Override
    public HeldLock acquire(String name) {
        return acquire(name, options.defaultWait());
    }

    @Override
    public HeldLock acquire(String name, Duration wait) {
        return acquire(name, wait, Thread.currentThread(), LockTemplate.current());
    }

    @Override
    public CompletableFuture<HeldLock> acquireAsync(String name, Duration wait) {
        LockNames.validate(name);
        LockObserver.ObservedLock observed = new LockObserver.ObservedLock(name, LockTemplate.current(),
                backend.type());
        AsyncAcquisition acquisition = new AsyncAcquisition(this, name, wait, observed);
        ShutdownGate.Waiter waiter;
        try {
            waiter = gate.enter(name, acquisition::withdrawForShutdown);
        }
        catch (SlocketException ex) {
            return CompletableFuture.failedFuture(ex);
        }
        return acquisition.start(retain(name), waiter, observers.waitStarted(observed));
    }

    private HeldLock acquire(String name, Duration wait, Thread owner, String template) {
        LockNames.validate(name);
        HeldLock nested = reenter(name, owner);
        if (nested != null) {
            return nested;
        }
        ShutdownGate.Waiter waiter = gate.enter(name);
        try {
            return acquire(name, wait, owner, template, waiter);
        }
        catch (RuntimeException ex) {
            throw gate.left(waiter, name, ex);
        }
        catch (Error ex) {
            gate.left(waiter, name, null);
            throw ex;
        }
    }

    private HeldLock acquire(String name, Duration wait, Thread owner, String template, ShutdownGate.Waiter waiter) {
        Deadline deadline = Deadline.after(wait);
        LockObserver.ObservedLock observed = new LockObserver.ObservedLock(name, template, backend.type());
        LockObserver.Wait observation = observers.waitStarted(observed);
        NameEntry entry = retain(name);
        boolean permitted = false;
        boolean acquired = false;
        try {
            permitted = awaitTurn(entry, deadline);
            if (!permitted) {
                throw timeout(name, wait, observation);
            }
            LossRelay relay = new LossRelay();
            entry.backendWaitSince = Instant.now();
            BackendLock backendLock;
            try {
                backendLock = backend.acquire(name, deadline, relay);
            }
            finally {
                entry.backendWaitSince = null;
            }
            if (backendLock == null) {
                throw timeout(name, wait, observation);
            }
            RegistryHeldLock lock = hold(entry, backendLock, owner, observed, waiter);
            if (lock == null) {
                giveBack(name, backendLock);
                throw gate.left(waiter, name, null);
            }
            acquired = true;
            observation.acquired(backendLock.fencingToken());
            relay.attach(lock);
            log.debug("Acquired lock '{}' (fencing token {}, backend {})", name, backendLock.fencingToken(),
                    backend.type());
            return lock;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            observation.failed(ex);
            throw new LockInterruptedException(name, ex);
        }
        catch (RuntimeException | Error ex) {
            if (!(ex instanceof LockTimeoutException)) {
                observation.failed(ex);
            }
            throw ex;
        }
        finally {
            if (!acquired) {
                if (permitted) {
                    entry.passOn();
                }
                unretain(entry);
            }
        }
    }

    private HeldLock reenter(String name, Thread owner) {
        if (owner == null) {
            return null;
        }
        NameEntry entry = entries.get(name);
        RegistryHeldLock holder = (entry != null) ? entry.holder : null;
        if (holder == null || !holder.isOwnedBy(owner)) {
            return null;
        }
        if (holder.isLost()) {
            throw new LockLostException(holder.loss());
        }
        log.debug("Re-entered lock '{}' (fencing token {})", name, holder.fencingToken());
        return holder.nest();
    }

    /**
     * A lock that a withdrawn waiter got: nobody ever held it, so it goes back at once, without
     * the withdrawal's interrupt (which would abort the backend's I/O).
     */
    void giveBack(String name, BackendLock backendLock) {
        boolean interrupted = Thread.interrupted();
        try {
            backendLock.release();
            log.debug("Gave back lock '{}' (fencing token {}): the registry is closing", name,
                    backendLock.fencingToken());
        }
        catch (RuntimeException ex) {
            log.warn("Backend failed to give back lock '{}' (fencing token {})", name, backendLock.fencingToken(), ex);
        }
        finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether this thread got the turn of {@code entry} before the deadline */
    private static boolean awaitTurn(NameEntry entry, Deadline deadline) throws InterruptedException {
        if (entry.tryTake()) {
            return true;
        }
        if (deadline.isExpired()) {
            return false;
        }
        BlockedWaiter waiter = new BlockedWaiter();
        if (entry.takeOrEnqueue(waiter)) {
            return true;
        }
        return waiter.await(entry, deadline);
    }

    /**
     * Makes {@code backendLock} the outermost hold of {@code entry}, unless shutdown withdrew the
     * waiter meanwhile.
     *
     * @return the hold, or {@code null} if the waiter was withdrawn: the caller gives the lock back
     */
    RegistryHeldLock hold(NameEntry entry, BackendLock backendLock, Thread owner, LockObserver.ObservedLock observed,
            ShutdownGate.Waiter waiter) {
        RegistryHeldLock lock = new RegistryHeldLock(this, entry, backendLock, owner, observed);
        if (!gate.holdStarted(waiter, lock)) {
            return null;
        }
        entry.holder = lock;
        return lock;
    }

    /** @return the exception an acquisition that leaves without a lock ends with; see {@link ShutdownGate#left} */
    RuntimeException left(ShutdownGate.Waiter waiter, String name, RuntimeException failure) {
        return gate.left(waiter, name, failure);
    }

    LockTimeoutException timeout(String name, Duration wait, LockObserver.Wait observation) {
        observation.timedOut();
        log.debug("Timed out after {} waiting for lock '{}'", wait, name);
        return new LockTimeoutException(name, wait);
    }

    void release(NameEntry entry, RegistryHeldLock lock, BackendLock backendLock) {
        if (entry.holder == lock) {
            entry.holder = null;
        }
        observers.holdEnded(lock.observed(), Duration.between(lock.acquiredAt(), Instant.now()), lock.isLost());
        try {
            backendLock.release();
            log.debug("Released lock '{}' (fencing token {})", entry.name, backendLock.fencingToken());
        }
        catch (RuntimeException ex) {
            log.warn("Backend failed to release lock '{}' (fencing token {})", entry.name,
                    backendLock.fencingToken(), ex);
        }
        finally {
            entry.passOn();
            unretain(entry);
            gate.holdEnded(lock);
        }
    }

    NameEntry retain(String name) {
        return entries.compute(name, (key, entry) -> {
            NameEntry result = (entry != null) ? entry : new NameEntry(key);
            result.references++;
            return result;
        });
    }

    void unretain(NameEntry entry) {
        entries.computeIfPresent(entry.name, (key, current) -> {
            if (current != entry) {
                return current;
            }
            current.references--;
            return (current.references == 0) ? null : current;
        });
    }

    void lockLost(LockObserver.ObservedLock lock, LockLoss loss) {
        observers.lost(lock, loss);
        lossListeners.forEach(listener -> notifySafely(listener, loss));
    }

    static void notifySafely(Consumer<LockLoss> listener, LockLoss loss) {
        try {
            listener.accept(loss);
        }
        catch (RuntimeException ex) {
            log.error("Lock-lost listener failed for lock '{}'", loss.name(), ex);
        }
    }

    @Override
    public List<LockInfo> locks() {
        List<LockInfo> result = new ArrayList<>();
        for (NameEntry entry : entries.values()) {
            RegistryHeldLock holder = entry.holder;
            Instant waitingSince = entry.backendWaitSince;
            if (holder != null && holder.isHeld()) {
                result.add(new LockInfo(entry.name, backend.type(), LockInfo.State.HELD, holder.acquiredAt(),
                        OptionalLong.of(holder.fencingToken()), entry.localWaiters()));
            }
            else if (waitingSince != null) {
                result.add(new LockInfo(entry.name, backend.type(), LockInfo.State.WAITING, waitingSince,
                        OptionalLong.empty(), entry.localWaiters()));
            }
        }
        return result;
    }

    /**
     * Releases every lock this registry holds right now, as if each holder had released it;
     * waiters are not affected. For test support that resets lock state between tests: in
     * production a holder may still be running.
     *
     * @return the names released
     */
    public List<String> releaseHeld() {
        List<String> released = new ArrayList<>();
        for (NameEntry entry : entries.values()) {
            RegistryHeldLock holder = entry.holder;
            if (holder != null) {
                log.debug("Releasing lock '{}' (fencing token {}) on request, not by its holder", entry.name,
                        holder.fencingToken());
                holder.release();
                released.add(entry.name);
            }
        }
        return released;
    }

    /** @return how many names have in-JVM state right now; for tests of the memory bound */
    public int trackedNames() {
        return entries.size();
    }

    @Override
    public void addLockLostListener(Consumer<LockLoss> listener) {
        lossListeners.add(listener);
    }

    /**
     * Registers an observer of waits, holds and losses (metrics, tracing).
     *
     * @param observer called for every lock of this registry from now on
     */
    public void addObserver(LockObserver observer) {
        observers.add(observer);
    }

    @Override
    public String backendType() {
        return backend.type();
    }

    /** @return whether the backend can take locks now, with details */
    public BackendStatus backendStatus() {
        return backend.status();
    }

    /** @return the backend this registry uses */
    public LockBackend backend() {
        return backend;
    }

    /**
     * Shuts down, waiting at most the grace period of the options. See {@link #shutdown(Duration)}.
     */
    @Override
    public void close() {
        removeShutdownHook();
        shutdown(options.shutdownGrace());
    }

    /**
     * Shuts down without ever releasing a lock whose holder may still run. The first call makes
     * new acquisitions fail with a {@link SlocketException} ("registry is closing") and withdraws
     * every waiting acquisition (blocking, asynchronous, and the backend's own waiters); none of
     * them ends up holding a lock. Every call then waits until the holders have released their
     * locks or the grace period (counted from the first call) ends. A lock still held then is
     * logged at WARN with its holder and stays held: it is freed when its holder releases it or
     * the process exits. The backend is closed once nothing is held.
     *
     * @param grace how long to wait for holders, from the first call
     * @return whether every lock was released in time
     */
    public boolean shutdown(Duration grace) {
        beginShutdown(grace);
        return gate.awaitEnd();
    }

    /**
     * The first step of {@link #shutdown(Duration)}, without waiting: new acquisitions fail and
     * waiters are withdrawn from now on, and the grace period starts (unless shutdown has begun).
     *
     * @param grace how long shutdown waits for holders, from now
     */
    public void beginShutdown(Duration grace) {
        gate.begin(grace);
        // a deferred release (holdAtLeast) has no running holder: it ends now rather than outlive shutdown
        for (NameEntry entry : entries.values()) {
            RegistryHeldLock holder = entry.holder;
            if (holder != null) {
                holder.endDeferredRelease();
            }
        }
    }

    /**
     * Stops this registry from shutting down by itself when the JVM does, because its owner
     * (such as an application context) shuts it down in order.
     */
    public void removeShutdownHook() {
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        }
        catch (IllegalStateException ex) {
            // the JVM is already shutting down; the hook runs or ran the shutdown itself
        }
    }

    private void closeAtShutdown() {
        log.debug("JVM shutdown: shutting the {} lock registry down", backend.type());
        shutdown(options.shutdownGrace());
    }
}
