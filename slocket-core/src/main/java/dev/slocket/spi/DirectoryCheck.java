package dev.slocket.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a lock directory must meet (see {@link LockDirectoryGuard}), as words an operator can
 * act on: it exists and is a directory, not a symbolic link; no one but its owner, or the
 * configured shared group, can write it; a private directory belongs to the effective user and
 * lets neither its group nor others write; a shared one has the shared group. For a backend's
 * {@code status()}, a file must also be creatable and deletable in it.
 */
public final class DirectoryCheck {

    private static final int TYPE_MASK = 0170000;

    private static final int DIRECTORY = 0040000;

    private static final int LINK = 0120000;

    private static final int GROUP_WRITE = 0020;

    private static final int OTHERS_WRITE = 0002;

    private DirectoryCheck() {
    }

    /**
     * The health check.
     *
     * @param directory the lock directory
     * @param sharedGroup the configured shared group; {@code null} for a private directory
     * @param details receives {@code owner}, {@code expectedOwner}, {@code group} and {@code permissions}
     * @return why the directory cannot take locks; empty when it can
     */
    public static Optional<String> problem(Path directory, String sharedGroup, Map<String, Object> details) {
        return unsafe(directory, sharedGroup, details).or(() -> probeWrite(directory));
    }

    /**
     * @return why another user could control {@code directory}, or why it is unusable; empty when it is safe
     */
    static Optional<String> unsafe(Path directory, String sharedGroup, Map<String, Object> details) {
        details.put("expectedOwner", System.getProperty("user.name"));
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(directory, "unix:mode,uid,owner,group", LinkOption.NOFOLLOW_LINKS);
        }
        catch (NoSuchFileException ex) {
            return Optional.of("Lock directory " + directory + " does not exist: create it or fix the configured path");
        }
        catch (IOException | UnsupportedOperationException ex) {
            return Optional.of("Cannot read the owner and mode of lock directory " + directory + ": " + ex);
        }
        int mode = (Integer) attributes.get("mode");
        int uid = (Integer) attributes.get("uid");
        String owner = attributes.get("owner").toString();
        String group = attributes.get("group").toString();
        Set<PosixFilePermission> permissions = PosixFilePermissions.fromString(symbolic(mode));
        details.put("owner", owner);
        details.put("group", group);
        details.put("permissions", PosixFilePermissions.toString(permissions));
        String seen = "Lock directory " + directory + " (owner " + owner + " uid " + uid + ", group " + group
                + ", mode " + String.format("%04o", mode & 07777) + ")";
        if ((mode & TYPE_MASK) == LINK) {
            return Optional.of(seen + " is a symbolic link, so whoever can replace the link controls the locks:"
                    + " configure the directory it points to instead, once you have checked who owns that");
        }
        if ((mode & TYPE_MASK) != DIRECTORY) {
            return Optional.of(seen + " is not a directory");
        }
        if ((mode & OTHERS_WRITE) != 0) {
            return Optional.of(seen + " is writable by every user, so anyone could delete, replace or plant its"
                    + " lock files: remove it so that it is created again, or chmod o-w it");
        }
        if (sharedGroup != null) {
            return group.equals(sharedGroup) ? Optional.empty()
                    : Optional.of(seen + " does not belong to the configured shared group " + sharedGroup
                            + ": chgrp " + sharedGroup + " it (and chmod 2770 it)");
        }
        if (uid != EffectiveUser.uid()) {
            return Optional.of(seen + " belongs to " + owner + ", not to this process's user (uid "
                    + EffectiveUser.uid() + "), so " + owner + " controls its locks: remove it so that it is created"
                    + " again, chown it to uid " + EffectiveUser.uid() + ", or configure a directory of your own");
        }
        if ((mode & GROUP_WRITE) != 0) {
            return Optional.of(seen + " is writable by its group: chmod g-w it, or configure the shared group "
                    + group + " to share locks with that group's users on purpose");
        }
        return Optional.empty();
    }

    private static String symbolic(int mode) {
        String letters = "rwxrwxrwx";
        StringBuilder out = new StringBuilder(9);
        for (int bit = 0; bit < 9; bit++) {
            out.append((mode & (0400 >> bit)) != 0 ? letters.charAt(bit) : '-');
        }
        return out.toString();
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
