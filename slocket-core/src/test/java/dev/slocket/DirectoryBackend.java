package dev.slocket;

import dev.slocket.file.FileLockBackend;
import dev.slocket.file.FileLockOptions;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.spi.LockBackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The two backends that keep their locks in a lock directory, for tests of that directory. */
enum DirectoryBackend {
    SOCKET, FILE;

    /** @return {@code directory}, created with exactly {@code permissions} (the umask aside) */
    static Path createDirectory(Path directory, String permissions) throws IOException {
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(permissions));
        return directory;
    }

    LockBackend create(Path directory) {
        return create(directory, null);
    }

    LockBackend create(Path directory, String sharedGroup) {
        return (this == SOCKET)
                ? new SocketLockBackend(SocketLockOptions.builder(directory).sharedGroup(sharedGroup).build())
                : new FileLockBackend(FileLockOptions.builder(directory).sharedGroup(sharedGroup).build());
    }
}
