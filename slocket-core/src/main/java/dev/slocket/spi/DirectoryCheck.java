package dev.slocket.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that a lock directory can really take locks, for a backend's {@code status()}: it
 * exists, is a directory, a file can be created and deleted in it, it belongs to this process's
 * user (or is shared through group write), and others cannot delete or replace lock files in it.
 */
public final class DirectoryCheck {

    private DirectoryCheck() {
    }

    /**
     * @param directory the lock directory
     * @param details receives {@code owner}, {@code expectedOwner} and {@code permissions}
     * @return why the directory cannot take locks, in words an operator can act on; empty when it can
     */
    public static Optional<String> problem(Path directory, Map<String, Object> details) {
        if (!Files.exists(directory)) {
            return Optional.of("lock directory " + directory + " does not exist: create it or fix the configured path");
        }
        if (!Files.isDirectory(directory)) {
            return Optional.of("lock directory " + directory + " is not a directory");
        }
        String user = System.getProperty("user.name");
        details.put("expectedOwner", user);
        Optional<String> posix = checkPosix(directory, user, details);
        if (posix.isPresent()) {
            return posix;
        }
        return probeWrite(directory);
    }

    private static Optional<String> checkPosix(Path directory, String user, Map<String, Object> details) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(directory, PosixFileAttributes.class);
        }
        catch (UnsupportedOperationException ex) {
            return Optional.empty();
        }
        catch (IOException ex) {
            return Optional.of("cannot read the attributes of lock directory " + directory + ": " + ex);
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        String owner = attributes.owner().getName();
        details.put("owner", owner);
        details.put("permissions", PosixFilePermissions.toString(permissions));
        if (!owner.equals(user) && !permissions.contains(PosixFilePermission.GROUP_WRITE)) {
            return Optional.of("lock directory " + directory + " belongs to " + owner + ", not to " + user
                    + ", and is not group-writable: chown it to " + user + " or make it group-writable");
        }
        if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Optional.of("lock directory " + directory + " is writable by every user ("
                    + PosixFilePermissions.toString(permissions) + "), so anyone can delete or replace its locks: "
                    + "chmod o-w it");
        }
        return Optional.empty();
    }

    private static Optional<String> probeWrite(Path directory) {
        try {
            Path probe = Files.createTempFile(directory, ".slocket-health-", ".tmp");
            Files.delete(probe);
            return Optional.empty();
        }
        catch (IOException | SecurityException ex) {
            return Optional.of("cannot create a file in lock directory " + directory + " (" + ex
                    + "): make it writable by " + System.getProperty("user.name"));
        }
    }
}
