package dev.slocket.testing;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

import java.util.concurrent.CompletableFuture;

/**
 * A backend that forwards every call to another one; tests override what they observe or change.
 */
public class ForwardingBackend implements LockBackend {

    private final LockBackend delegate;

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
