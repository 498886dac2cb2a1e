package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.DirectoryState;
import dev.slocket.spi.LockDirectoryGuard;
import dev.slocket.spi.LockNames;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The lock directory: created or checked once (no other user may control it, see
 * {@link LockDirectoryGuard}), then maps lock names to socket paths that fit
 * the platform's AF_UNIX path limit (SL-4).
 */
final class LockDirectory {

    private static final String SOCKET_SUFFIX = ".sock";

    private final LockDirectoryGuard guard;

    private final Path directory;

    private final int maxEncodedLength;

    private LockDirectory(LockDirectoryGuard guard, int maxEncodedLength) {
        this.guard = guard;
        this.directory = guard.path();
        state(); // the shared files are opened, and checked, at start-up
        this.maxEncodedLength = maxEncodedLength;
    }

    /**
     * @param directory the absolute lock directory
     * @param sharedGroup the group whose users share the locks; {@code null} for a private directory
     * @param permissions POSIX permissions for a directory created here
     * @return the usable directory
     * @throws LockBackendException naming the directory and what is wrong with it
     */
    static LockDirectory prepare(Path directory, String sharedGroup, String permissions) {
        requireRoomForNames(directory);
        LockDirectoryGuard guard = LockDirectoryGuard.prepare(directory, sharedGroup,
                PosixFilePermissions.fromString(permissions));
        int room = requireRoomForNames(guard.path());
        if (!Files.isWritable(guard.path()) || !Files.isExecutable(guard.path())) {
            throw new LockBackendException("Lock directory " + directory + " is not writable by this process");
        }
        return new LockDirectory(guard, room);
    }

    /** @return how many characters of a lock's file name fit into a socket path in {@code directory} */
    private static int requireRoomForNames(Path directory) {
        int room = maxSocketPathBytes() - directory.toString().getBytes(StandardCharsets.UTF_8).length - 1
                - SOCKET_SUFFIX.length();
        if (room < LockNames.DIGEST_FORM_MIN_LENGTH) {
            throw new LockBackendException("Lock directory " + directory + " is too long for Unix sockets: a socket path"
                    + " may have " + maxSocketPathBytes() + " bytes and the directory leaves room for " + Math.max(0, room)
                    + " characters of the lock's file name, but at least " + LockNames.DIGEST_FORM_MIN_LENGTH
                    + " are needed");
        }
        return room;
    }

    /** {@code sun_path} less its NUL and one byte the JDK keeps: 106 on Linux, 102 on macOS. */
    private static int maxSocketPathBytes() {
        return System.getProperty("os.name", "").toLowerCase().contains("mac") ? 102 : 106;
    }

    /** @return the directory's real path */
    Path path() {
        return directory;
    }

    /**
     * @param paths a lock of this directory
     * @return the JVM's sidecar of that lock, with one more reference; {@link Sidecar#close()} it
     */
    Sidecar sidecar(LockPaths paths) {
        return Sidecar.open(state(), paths.key());
    }

    /** @return the directory's shared state, opened afresh if its files were deleted or replaced */
    private DirectoryState state() {
        return DirectoryState.of(directory, guard);
    }

    /**
     * @param name a valid lock name
     * @return its files; every process maps a name the same way
     */
    LockPaths paths(String name) {
        String encoded = LockNames.encode(name, maxEncodedLength, guard.caseInsensitive());
        String socketName = encoded + SOCKET_SUFFIX;
        return new LockPaths(directory.resolve(socketName), directory.resolve(DirectoryState.RIGHTS), encoded,
                socketName);
    }
}
