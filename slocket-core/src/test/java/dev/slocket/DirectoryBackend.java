package dev.slocket;

import dev.slocket.file.FileLockBackend;
import dev.slocket.file.FileLockOptions;
import dev.slocket.socket.SocketLockBackend;
import dev.slocket.socket.SocketLockOptions;
import dev.slocket.spi.LockBackend;

import java.nio.file.Path;

/** The two backends that keep their locks in a lock directory, for tests of that directory. */
enum DirectoryBackend {
    SOCKET, FILE;

    LockBackend create(Path directory) {
        return create(directory, null);
    }

    LockBackend create(Path directory, String sharedGroup) {
        return (this == SOCKET)
                ? new SocketLockBackend(SocketLockOptions.builder(directory).sharedGroup(sharedGroup).build())
                : new FileLockBackend(FileLockOptions.builder(directory).sharedGroup(sharedGroup).build());
    }
}
