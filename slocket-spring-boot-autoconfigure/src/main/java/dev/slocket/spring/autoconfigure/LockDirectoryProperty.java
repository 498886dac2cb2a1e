package dev.slocket.spring.autoconfigure;

import dev.slocket.LockBackendException;
import dev.slocket.spi.LockBackend;

import java.util.function.Supplier;

/**
 * Starts a backend that keeps its locks in a directory ({@code socket}, {@code file}); a
 * directory it cannot use fails start-up with a message that names the property to change.
 */
final class LockDirectoryProperty {

    private LockDirectoryProperty() {
    }

    /**
     * @param property the directory's property, e.g. {@code slocket.socket.directory}
     * @param backend starts the backend, which checks its directory first
     * @return the started backend
     * @throws LockBackendException naming {@code property} if the directory cannot be used
     */
    static LockBackend start(String property, Supplier<LockBackend> backend) {
        try {
            return backend.get();
        }
        catch (LockBackendException ex) {
            throw new LockBackendException("Cannot use the lock directory of " + property + ": " + ex.getMessage(),
                    ex);
        }
    }
}
