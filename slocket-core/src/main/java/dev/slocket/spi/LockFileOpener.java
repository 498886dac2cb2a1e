package dev.slocket.spi;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Opens a small file that a lock uses (fencing counter, sidecar), for reading and writing,
 * creating it if missing. Implementations never follow a symbolic link and refuse anything that
 * is not a regular file; {@link LockDirectoryGuard} also refuses files of other users.
 */
@FunctionalInterface
public interface LockFileOpener {

    /**
     * For lock files in directories the library does not check (the path form of the file
     * backend): symbolic links, FIFOs and other special files are refused, owners are not checked.
     */
    LockFileOpener NO_LINKS = LockDirectoryGuard::openRegularFile;

    /**
     * @param file the file; created (new, never through a link) if missing
     * @return a channel open for reading and writing
     * @throws IOException if the file cannot be opened
     * @throws dev.slocket.LockBackendException if the file is refused
     */
    FileChannel open(Path file) throws IOException;
}
