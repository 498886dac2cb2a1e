package dev.slocket.testing;

import dev.slocket.spi.ForwardingBackend;
import dev.slocket.spi.LockBackend;

/**
 * Lets several registries of one test share a backend instance: closing one registry does not
 * close the backend under the others.
 */
public final class SharedBackend extends ForwardingBackend {

    public SharedBackend(LockBackend delegate) {
        super(delegate);
    }

    @Override
    public void close() {
        // the test closes the shared backend, not each registry
    }
}
