package dev.slocket.socket;

import dev.slocket.LockBackendException;
import dev.slocket.spi.LockNames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The lock directory: checked (or created) once, then maps lock names to socket paths that fit
 * the platform's AF_UNIX path limit (SL-4).
 */
final class LockDirectory {

    private static final String SOCKET_SUFFIX = ".sock";

    private final Path directory;

    private final int maxEncodedLength;

    private LockDirectory(Path directory, int maxEncodedLength) {
        this.directory = directory;
        this.maxEncodedLength = maxEncodedLength;
    }

    /**
     * @param directory the absolute lock directory
     * @param permissions POSIX permissions for a directory created here
     * @return the usable directory
     * @throws LockBackendException naming the directory and what is wrong with it
     */
    static LockDirectory prepare(Path directory, String permissions) {
        int room = maxSocketPathBytes() - directory.toString().getBytes(StandardCharsets.UTF_8).length - 1
                - SOCKET_SUFFIX.length();
        if (room < LockNames.DIGEST_FORM_MIN_LENGTH) {
            throw new LockBackendException("Lock directory " + directory + " is too long for Unix sockets: a socket path"
                    + " may have " + maxSocketPathBytes() + " bytes and the directory leaves room for " + Math.max(0, room)
                    + " characters of the lock's file name, but at least " + LockNames.DIGEST_FORM_MIN_LENGTH
                    + " are needed");
        }
        if (Files.exists(directory, LinkOption.NOFOLLOW_LINKS) || Files.exists(directory)) {
            requireUsable(directory);
        }
        else {
            create(directory, permissions);
        }
        return new LockDirectory(directory, room);
    }

    private static void requireUsable(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new LockBackendException("Lock directory " + directory + " is not a directory (it is a file)");
        }
        if (!Files.isWritable(directory) || !Files.isExecutable(directory)) {
            throw new LockBackendException("Lock directory " + directory + " is not writable by this process");
        }
    }

    private static void create(Path directory, String permissions) {
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString(permissions));
        }
        catch (IOException | UnsupportedOperationException ex) {
            throw new LockBackendException("Lock directory " + directory + " is missing and cannot be created: " + ex,
                    ex);
        }
        requireUsable(directory);
    }

    /** {@code sun_path} less its NUL and one byte the JDK keeps: 106 on Linux, 102 on macOS. */
    private static int maxSocketPathBytes() {
        return System.getProperty("os.name", "").toLowerCase().contains("mac") ? 102 : 106;
    }

    /** @return the directory */
    Path path() {
        return directory;
    }

    /**
     * @param name a valid lock name
     * @return its files; every process maps a name the same way
     */
    LockPaths paths(String name) {
        String encoded = LockNames.encode(name, maxEncodedLength);
        String socketName = encoded + SOCKET_SUFFIX;
        return new LockPaths(directory.resolve(socketName), directory.resolve(socketName + ".owner"),
                directory.resolve(encoded + ".token"), socketName);
    }
}
