package dev.slocket.test;

import dev.slocket.HeldLock;
import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.Slocket;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TestLocks} for one registry of the application. Holding elsewhere and revoking need the
 * {@code memory} backend; the other methods work with every backend.
 */
public final class RegistryLocks {

    /** Bounds the attempt of {@link #holdElsewhere}, which itself never waits for the lock. */
    private static final long ATTEMPT_SECONDS = 10;

    private static final Logger log = LoggerFactory.getLogger(RegistryLocks.class);

    private final String id;

    private final LockRegistry registry;

    private final List<HeldLock> heldElsewhere = new ArrayList<>();

    private LockRegistry elsewhere;

    RegistryLocks(String id, LockRegistry registry) {
        this.id = id;
        this.registry = registry;
    }

    /**
     * Takes {@code name} as another process would hold it: the application's threads wait for it
     * (or time out, or skip), and it is free again once the returned lock is released.
     *
     * @param name the lock name
     * @return the lock, held by no thread of the application; release it from any thread
     * @throws IllegalStateException if the lock is held already, or the backend is not {@code memory}
     */
    public synchronized HeldLock holdElsewhere(String name) {
        try {
            HeldLock lock = elsewhere().acquireAsync(name, Duration.ZERO).get(ATTEMPT_SECONDS, TimeUnit.SECONDS);
            heldElsewhere.add(lock);
            return lock;
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof LockTimeoutException) {
                throw new IllegalStateException("Lock '" + name + "' of registry '" + id + "' is held already", ex);
            }
            throw new IllegalStateException("Could not hold lock '" + name + "' elsewhere", ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while holding lock '" + name + "' elsewhere", ex);
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException(
                    "Holding lock '" + name + "' elsewhere took over " + ATTEMPT_SECONDS + " s", ex);
        }
    }

    /**
     * Takes {@code name} away from its current holder, as a backend does when it finds that the
     * lock is no longer ours: the holder's {@code HeldLock} stops being held, its loss listeners
     * run, a {@code @Mutexed} call ends with {@code LockLostException} and a {@code LockLostEvent}
     * is published. Others may take the lock at once.
     *
     * @param name the lock name
     * @throws IllegalStateException if nobody holds the lock, or the backend is not {@code memory}
     */
    public void revoke(String name) {
        if (!memory("revoke").revoke(name, "revoked by TestLocks")) {
            throw new IllegalStateException("Nobody holds lock '" + name + "' of registry '" + id + "'");
        }
    }

    /** @return the names the application holds now in this registry (holds elsewhere not included) */
    public Set<String> held() {
        return registry.locks().stream().filter(lock -> lock.state() == LockInfo.State.HELD).map(LockInfo::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Releases what is held elsewhere and what the application still holds. */
    synchronized void reset() {
        heldElsewhere.forEach(HeldLock::release);
        heldElsewhere.clear();
        if (registry instanceof LocalLockRegistry local) {
            List<String> released = local.releaseHeld();
            if (!released.isEmpty()) {
                log.warn("Released lock(s) {} of registry '{}' that the test left held", released, id);
            }
        }
    }

    synchronized void close() {
        if (elsewhere != null) {
            elsewhere.close();
        }
    }

    private LockRegistry elsewhere() {
        if (elsewhere == null) {
            elsewhere = Slocket.registry(new SharedMemoryBackend(memory("holdElsewhere")));
        }
        return elsewhere;
    }

    private MemoryLockBackend memory(String operation) {
        if (registry instanceof LocalLockRegistry local && local.backend() instanceof MemoryLockBackend memory) {
            return memory;
        }
        throw new IllegalStateException("TestLocks." + operation + " needs the memory backend, but registry '" + id
                + "' uses '" + registry.backendType() + "'; use @AutoConfigureSlocket without a backend");
    }
}
