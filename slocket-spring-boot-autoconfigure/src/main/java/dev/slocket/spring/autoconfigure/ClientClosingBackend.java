package dev.slocket.spring.autoconfigure;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

/**
 * An S3 backend together with the client the starter built for it: the client is closed with the
 * backend, which the registry closes only once its last lock is released, so renewals and release
 * markers never meet a closed client, even for a holder that outlives the context's shutdown.
 */
final class ClientClosingBackend implements LockBackend {

    private final LockBackend backend;

    private final AutoCloseable client;

    ClientClosingBackend(LockBackend backend, AutoCloseable client) {
        this.backend = backend;
        this.client = client;
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
        try {
            backend.close();
        }
        finally {
            try {
                client.close();
            }
            catch (Exception ex) {
                throw new IllegalStateException("Cannot close the S3 client of the lock backend", ex);
            }
        }
    }
}
