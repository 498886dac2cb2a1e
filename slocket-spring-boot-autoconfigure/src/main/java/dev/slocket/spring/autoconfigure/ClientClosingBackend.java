package dev.slocket.spring.autoconfigure;

import dev.slocket.spi.ForwardingBackend;
import dev.slocket.spi.LockBackend;

/**
 * An S3 backend together with the client the starter built for it: the client is closed with the
 * backend, which the registry closes only once its last lock is released, so renewals and release
 * markers never meet a closed client, even for a holder that outlives the context's shutdown.
 */
final class ClientClosingBackend extends ForwardingBackend {

    private final AutoCloseable client;

    ClientClosingBackend(LockBackend backend, AutoCloseable client) {
        super(backend);
        this.client = client;
    }

    @Override
    public void close() {
        try {
            super.close();
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
