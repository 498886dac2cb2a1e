package dev.slocket.test;

import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

/**
 * The application's memory backend as a second registry sees it, like another process on the
 * same lock directory: its locks exclude the application's, and closing that registry leaves the
 * application's backend open.
 */
final class SharedMemoryBackend implements LockBackend {

    private final MemoryLockBackend backend;

    SharedMemoryBackend(MemoryLockBackend backend) {
        this.backend = backend;
    }

    @Override
    public String type() {
        return backend.type();
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        return backend.acquire(name, deadline, lossListener);
    }

    @Override
    public boolean isLocked(String name) {
        return backend.isLocked(name);
    }

    @Override
    public BackendStatus status() {
        return backend.status();
    }

    @Override
    public void close() {
        // the application's registry closes the backend
    }
}
