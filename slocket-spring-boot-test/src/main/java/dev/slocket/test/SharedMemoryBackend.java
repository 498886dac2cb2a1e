package dev.slocket.test;

import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spi.ForwardingBackend;

/**
 * The application's memory backend as a second registry sees it, like another process on the
 * same lock directory: its locks exclude the application's, and closing that registry leaves the
 * application's backend open.
 */
final class SharedMemoryBackend extends ForwardingBackend {

    SharedMemoryBackend(MemoryLockBackend backend) {
        super(backend);
    }

    @Override
    public void close() {
        // the application's registry closes the backend
    }
}
