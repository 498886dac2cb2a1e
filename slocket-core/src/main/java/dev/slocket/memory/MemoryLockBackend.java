package dev.slocket.memory;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Locks that live in this JVM only. Several registries may share one instance, which makes them
 * exclude each other. {@link #revoke(String, String)} simulates a lost lock for tests.
 */
public final class MemoryLockBackend implements LockBackend {

    private final Map<String, MemoryLock> held = new HashMap<>();

    private long lastToken;

    private boolean closed;

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public synchronized BackendLock acquire(String name, Deadline deadline, LossListener lossListener)
            throws InterruptedException {
        ensureOpen();
        while (held.containsKey(name)) {
            if (deadline.isExpired()) {
                return null;
            }
            if (deadline.isInfinite()) {
                wait();
            }
            else {
                TimeUnit.NANOSECONDS.timedWait(this, deadline.remainingNanos());
            }
            ensureOpen();
        }
        MemoryLock lock = new MemoryLock(name, ++lastToken, lossListener);
        held.put(name, lock);
        return lock;
    }

    @Override
    public synchronized boolean isLocked(String name) {
        return held.containsKey(name);
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
        synchronized (this) {
            lock = held.remove(name);
            notifyAll();
        }
        if (lock == null) {
            return false;
        }
        lock.lossListener.lockLost(reason);
        return true;
    }

    private synchronized void release(MemoryLock lock) {
        if (held.remove(lock.name, lock)) {
            notifyAll();
        }
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
    public synchronized void close() {
        closed = true;
        held.clear();
        notifyAll();
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
