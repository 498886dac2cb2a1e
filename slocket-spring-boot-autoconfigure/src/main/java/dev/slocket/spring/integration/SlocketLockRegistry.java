package dev.slocket.spring.integration;

import dev.slocket.HeldLock;
import dev.slocket.spi.LockNames;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;

import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.util.Assert;

/**
 * Spring Integration's {@link LockRegistry} over a slocket {@link dev.slocket.LockRegistry}, so
 * that {@code LockRegistryLeaderInitiator}, {@code executeLocked} and the lock-based endpoints
 * of Spring Integration run on every slocket backend.
 *
 * <p>{@link #obtain(Object)} takes a {@code String} key, the lock name. Its locks follow Spring
 * Integration's semantics: owned by the thread that locked them and reentrant for it;
 * {@code unlock()} by another thread throws {@link IllegalMonitorStateException}, and after the
 * backend reported the lock lost it throws {@link java.util.concurrent.ConcurrentModificationException}
 * (the hold is still cleaned up at the outermost level). Every key is its own lock: keys never share a slot. State is
 * kept only for keys held right now.
 *
 * <p>No renewal or expiry interface is implemented: backends that lease (file, S3) renew on
 * their own for as long as the lock is held, and nothing is kept for idle keys.
 */
public final class SlocketLockRegistry implements LockRegistry<Lock> {

    private final dev.slocket.LockRegistry locks;

    private final ConcurrentMap<String, ThreadHold> holds = new ConcurrentHashMap<>();

    /**
     * @param locks the slocket registry that decides who holds each name
     */
    public SlocketLockRegistry(dev.slocket.LockRegistry locks) {
        Assert.notNull(locks, "'locks' must not be null");
        this.locks = locks;
    }

    /**
     * @param lockKey the lock name, a {@code String} that is a valid slocket lock name
     * @return the lock for that name; locks obtained for equal keys are interchangeable
     * @throws IllegalArgumentException if the key is not a {@code String} or not a valid name
     */
    @Override
    public Lock obtain(Object lockKey) {
        Assert.isInstanceOf(String.class, lockKey, "Lock key must be a String");
        return new SlocketLock(this, LockNames.validate((String) lockKey));
    }

    dev.slocket.LockRegistry locks() {
        return locks;
    }

    /** @return the live hold of {@code name} by the current thread, or {@code null} */
    ThreadHold ownHold(String name) {
        ThreadHold hold = holds.get(name);
        return hold != null && hold.owner() == Thread.currentThread() ? hold : null;
    }

    ThreadHold heldBy(String name) {
        return holds.get(name);
    }

    void register(String name, HeldLock lock) {
        holds.put(name, new ThreadHold(Thread.currentThread(), lock));
    }

    void forget(String name, ThreadHold hold) {
        holds.remove(name, hold);
    }
}
