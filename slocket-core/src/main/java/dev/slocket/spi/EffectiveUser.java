package dev.slocket.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The effective user id of this process: the owner of {@code /proc/self} on Linux, elsewhere the
 * owner of a file this process creates. Read once.
 */
final class EffectiveUser {

    private static final int UID = lookup();

    private EffectiveUser() {
    }

    /** @return the effective user id */
    static int uid() {
        return UID;
    }

    private static int lookup() {
        Path self = Path.of("/proc/self");
        try {
            if (Files.isDirectory(self)) {
                return (Integer) Files.getAttribute(self, "unix:uid");
            }
            Path probe = Files.createTempFile("slocket-uid-", ".probe");
            try {
                return (Integer) Files.getAttribute(probe, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            }
            finally {
                Files.deleteIfExists(probe);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot tell this process's effective user id", ex);
        }
    }
}
