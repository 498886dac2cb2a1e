package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.Slocket;
import dev.slocket.file.FileLockBackend;
import dev.slocket.file.FileLockOptions;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;

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
            case "socket" -> {
                SocketLockOptions options = SocketOptionsFactory.create(prefix + ".socket", properties.getSocket());
                yield Slocket.registry(LockDirectoryProperty.start(prefix + ".socket.directory",
                        () -> new SocketLockBackend(options)), wait);
            }
            case "file" -> {
                FileLockOptions options = FileOptionsFactory.create(prefix + ".file", properties.getFile());
                yield Slocket.registry(LockDirectoryProperty.start(prefix + ".file.directory",
                        () -> new FileLockBackend(options)), wait);
            }
            case "memory" -> Slocket.registry(new MemoryLockBackend(), wait);
            default -> throw new IllegalStateException("Not a local backend: " + properties.getBackend());
        };
    }
}
