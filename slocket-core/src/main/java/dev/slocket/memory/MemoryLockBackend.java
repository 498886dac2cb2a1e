package dev.slocket.memory;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;
import dev.slocket.spi.WaitTimer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Locks that live in this JVM only. Several registries may share one instance, which makes them
 * exclude each other. {@link #revoke(String, String)} simulates a lost lock for tests.
 *
 * <p>Waiting takes no thread: each name keeps a FIFO of pending futures, and a release completes
 * the first one. State for a name exists only while it is held or awaited.
 */
public final class MemoryLockBackend implements LockBackend {

    private final ReentrantLock guard = new ReentrantLock();

    private final Map<String, MemoryLock> held = new HashMap<>();

    private final Map<String, ArrayDeque<Pending>> waiting = new HashMap<>();

    private long lastToken;

    private boolean closed;

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener)
            throws InterruptedException {
        CompletableFuture<BackendLock> pending = acquireAsync(name, deadline, lossListener);
        try {
            return pending.get();
        }
        catch (InterruptedException ex) {
            if (!pending.cancel(false) && !pending.isCompletedExceptionally()) {
                BackendLock granted = pending.getNow(null);
                if (granted != null) {
                    granted.release();
                }
            }
            throw ex;
        }
        catch (ExecutionException ex) {
            throw (RuntimeException) ex.getCause();
        }
    }

    @Override
    public CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        Pending pending;
        guard.lock();
        try {
            ensureOpen();
            if (!held.containsKey(name)) {
                MemoryLock lock = new MemoryLock(name, ++lastToken, lossListener);
                held.put(name, lock);
                return CompletableFuture.completedFuture(lock);
            }
            if (deadline.isExpired()) {
                return CompletableFuture.completedFuture(null);
            }
            pending = new Pending(name, lossListener);
            waiting.computeIfAbsent(name, key -> new ArrayDeque<>()).add(pending);
        }
        finally {
            guard.unlock();
        }
        Future<?> timer = WaitTimer.at(deadline, () -> pending.complete(null));
        pending.whenComplete((lock, ex) -> {
            timer.cancel(false);
            if (lock == null) {
                withdraw(pending);
            }
        });
        return pending;
    }

    private void withdraw(Pending pending) {
        guard.lock();
        try {
            ArrayDeque<Pending> queue = waiting.get(pending.name);
            if (queue != null && queue.remove(pending) && queue.isEmpty()) {
                waiting.remove(pending.name);
            }
        }
        finally {
            guard.unlock();
        }
    }

    @Override
    public boolean isLocked(String name) {
        guard.lock();
        try {
            return held.containsKey(name);
        }
        finally {
            guard.unlock();
        }
    }

    /**
     * Takes {@code name} away from its holder, as a backend does when it finds the lock is no
     * longer ours; the holder's loss listeners run.
     *
     * @param name the lock name
     * @param reason the reason reported to the holder
     * @return whether the name was held
     */
    public boolean revoke(String name, String reason) {
        MemoryLock lock;
        guard.lock();
        try {
            lock = held.get(name);
        }
        finally {
            guard.unlock();
        }
        if (lock == null || !release(lock)) {
            return false;
        }
        lock.lossListener.lockLost(reason);
        return true;
    }

    /** @return whether {@code lock} was held; the name then goes to the first waiter still waiting */
    private boolean release(MemoryLock lock) {
        MemoryLock current = lock;
        boolean released = false;
        while (current != null) {
            Pending next;
            MemoryLock granted;
            guard.lock();
            try {
                if (!held.remove(current.name, current)) {
                    return released;
                }
                released = true;
                ArrayDeque<Pending> queue = waiting.get(current.name);
                next = (queue != null) ? queue.poll() : null;
                if (queue != null && queue.isEmpty()) {
                    waiting.remove(current.name);
                }
                if (next == null) {
                    return true;
                }
                granted = new MemoryLock(current.name, ++lastToken, next.lossListener);
                held.put(current.name, granted);
            }
            finally {
                guard.unlock();
            }
            current = next.complete(granted) ? null : granted;
        }
        return released;
    }

    @Override
    public BackendStatus status() {
        return BackendStatus.up(Map.of("backend", type()));
    }

    private void ensureOpen() {
        if (closed) {
            throw new LockBackendException("The memory lock backend is closed");
        }
    }

    @Override
    public void close() {
        List<Pending> pending = new ArrayList<>();
        guard.lock();
        try {
            closed = true;
            held.clear();
            waiting.values().forEach(pending::addAll);
            waiting.clear();
        }
        finally {
            guard.unlock();
        }
        LockBackendException failure = new LockBackendException("The memory lock backend is closed");
        pending.forEach(waiter -> waiter.completeExceptionally(failure));
    }

    /** A waiter for a held name. */
    private static final class Pending extends CompletableFuture<BackendLock> {

        private final String name;

        private final LossListener lossListener;

        Pending(String name, LossListener lossListener) {
            this.name = name;
            this.lossListener = lossListener;
        }
    }

    private final class MemoryLock implements BackendLock {

        private final String name;

        private final long token;

        private final LossListener lossListener;

        MemoryLock(String name, long token, LossListener lossListener) {
            this.name = name;
            this.token = token;
            this.lossListener = lossListener;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public void release() {
            MemoryLockBackend.this.release(this);
        }
    }
}
