package dev.slocket.file;

import java.io.IOException;
import java.nio.file.CopyOption;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Optional;

/**
 * Every file-system access of the file backend (spec FL-12): the lock directory's {@code mkdir},
 * stat, mtime write and removal, the takeover's rename and sidecar lock, the fencing counter,
 * path resolution, the removal watch and the health check. {@link RealLockFileSystem} is the default; tests inject
 * faults through their own implementation.
 */
interface LockFileSystem extends AutoCloseable {

    /**
     * A single, non-recursive {@code mkdir}.
     *
     * @throws java.nio.file.FileAlreadyExistsException if something exists at {@code dir}
     */
    void createDirectory(Path dir) throws IOException;

    /** Creates {@code dir} and its missing parents. */
    void createDirectories(Path dir) throws IOException;

    boolean isDirectory(Path path);

    boolean isWritable(Path path);

    /** Resolves symlinks; the path must exist. */
    Path realPath(Path path) throws IOException;

    /**
     * @return the file key and mtime of {@code path}, symlinks not followed
     * @throws java.nio.file.NoSuchFileException if it does not exist in its (existing) parent
     *         directory; a path that leads through something other than a directory is another
     *         {@link java.nio.file.FileSystemException}, on every JDK
     */
    DirStamp stat(Path path) throws IOException;

    /** Sets the access and modification time of {@code path}. */
    void setMtime(Path path, long millis) throws IOException;

    /** Removes a file or an empty directory. */
    void delete(Path path) throws IOException;

    /** Renames {@code from} to {@code to}, with {@link java.nio.file.Files#move} semantics. */
    void move(Path from, Path to, CopyOption... options) throws IOException;

    /**
     * Takes an exclusive OS lock on {@code file} (created if missing) without waiting.
     *
     * @return the held lock, or {@code null} if someone else holds it
     */
    OsLock tryLock(Path file) throws IOException;

    /**
     * @param counterFile the fencing counter beside a lock directory
     * @return the next fencing token
     */
    long nextToken(Path counterFile);

    /**
     * Registers {@code directory} for entry-deletion events.
     *
     * @return the key, or {@code null} if this file system reports no events
     */
    WatchKey watchDeletions(Path directory, WatchService service) throws IOException;

    /**
     * The health check of a backend directory ({@link dev.slocket.spi.DirectoryCheck}).
     *
     * @param details receives what the check found
     * @return why the directory cannot take locks; empty when it can
     */
    Optional<String> directoryProblem(Path directory, Map<String, Object> details);

    /** Releases what this file system keeps open. */
    @Override
    void close();

    /** A held exclusive OS lock; closing releases it. */
    @FunctionalInterface
    interface OsLock extends AutoCloseable {

        @Override
        void close() throws IOException;
    }
}
