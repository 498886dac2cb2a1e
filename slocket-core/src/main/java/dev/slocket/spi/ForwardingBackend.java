package dev.slocket.spi;

import java.util.concurrent.CompletableFuture;

/**
 * A backend that forwards every call to another one: subclasses override what they add, such as
 * what closing also closes, or what a test observes or changes.
 */
public class ForwardingBackend implements LockBackend {

    private final LockBackend delegate;

    /** @param delegate the backend that does the work */
    public ForwardingBackend(LockBackend delegate) {
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
    public CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        return delegate.acquireAsync(name, deadline, lossListener);
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
        delegate.close();
    }
}
