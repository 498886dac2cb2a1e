package dev.slocket.socket;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

import java.util.Map;

/**
 * The Unix-domain-socket backend (being built; this is its public shape).
 */
public final class SocketLockBackend implements LockBackend {

    private final SocketLockOptions options;

    /**
     * @param options the backend's options
     */
    public SocketLockBackend(SocketLockOptions options) {
        this.options = options;
    }

    @Override
    public String type() {
        return "socket";
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener) {
        throw new UnsupportedOperationException("socket backend not built yet");
    }

    @Override
    public boolean isLocked(String name) {
        throw new UnsupportedOperationException("socket backend not built yet");
    }

    @Override
    public BackendStatus status() {
        return BackendStatus.up(Map.of("backend", type(), "directory", options.directory().toString()));
    }

    @Override
    public void close() {
    }
}
