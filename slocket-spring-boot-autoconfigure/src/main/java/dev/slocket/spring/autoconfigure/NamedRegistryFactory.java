package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockBackend;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.socket.SocketLockBackend;

import java.time.Duration;

/**
 * Builds the registry of one {@code slocket.registries.<id>} group on the socket, file or
 * memory backend ({@link NamedS3Registry} builds the s3 ones).
 */
final class NamedRegistryFactory {

    private NamedRegistryFactory() {
    }

    static LockRegistry create(String prefix, SlocketRegistryProperties properties, Duration wait) {
        return switch (properties.getBackend()) {
            case "socket" -> Slocket.registry(new SocketLockBackend(
                    SocketOptionsFactory.create(prefix + ".socket", properties.getSocket())), wait);
            case "file" -> Slocket.registry(
                    new FileLockBackend(FileOptionsFactory.create(prefix + ".file", properties.getFile())), wait);
            case "memory" -> Slocket.registry(new MemoryLockBackend(), wait);
            default -> throw new IllegalStateException("Not a local backend: " + properties.getBackend());
        };
    }
}
