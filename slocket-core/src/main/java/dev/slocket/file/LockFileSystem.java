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

    /**
     * Creates the backend directory if missing and checks that no other user controls it
     * ({@link dev.slocket.spi.LockDirectoryGuard}); from then on the takeover sidecars and fencing
     * counters in it are opened only through that check.
     *
     * @param dir the backend directory
     * @param sharedGroup the group whose users share it; {@code null} for a private directory
     * @return whether its file system treats names that differ only in case as one
     * @throws dev.slocket.LockBackendException naming what another user could control, and what to do
     * @throws IOException if it exists but is not a writable directory
     */
    boolean prepareDirectory(Path dir, String sharedGroup) throws IOException;

    boolean isDirectory(Path path);

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
     * Takes the exclusive OS lock that serialises takeovers of a lock without waiting: the whole
     * {@link LockPaths#takeoverFile()} (created if missing), or the name's byte of the directory's
     * shared rights file.
     *
     * @return the held lock, or {@code null} if someone else holds it
     */
    OsLock tryLock(LockPaths paths) throws IOException;

    /**
     * @param paths a lock held by the caller
     * @return its next fencing token, from {@link LockPaths#fenceFile()} or the name's slot of the
     *         directory's shared counters
     */
    long nextToken(LockPaths paths);

    /**
     * Registers {@code directory} for entry-deletion events.
     *
     * @return the key, or {@code null} if this file system reports no events
     */
    WatchKey watchDeletions(Path directory, WatchService service) throws IOException;

    /**
     * The health check of a backend directory ({@link dev.slocket.spi.DirectoryCheck}).
     *
     * @param sharedGroup the group whose users share it; {@code null} for a private directory
     * @param details receives what the check found
     * @return why the directory cannot take locks; empty when it can
     */
    Optional<String> directoryProblem(Path directory, String sharedGroup, Map<String, Object> details);

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
