package dev.slocket.testing;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

/**
 * Lets several registries of one test share a backend instance: closing one registry does not
 * close the backend under the others.
 */
public final class SharedBackend implements LockBackend {

    private final LockBackend delegate;

    public SharedBackend(LockBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        return delegate.acquire(name, deadline, lossListener);
    }

    @Override
    public boolean isLocked(String name) {
        return delegate.isLocked(name);
    }

    @Override
    public BackendStatus status() {
        return delegate.status();
    }

    @Override
    public void close() {
        // the test closes the shared backend, not each registry
    }
}
