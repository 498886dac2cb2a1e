package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockTimeoutException;
import dev.slocket.spi.Deadline;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The path form of the file backend, as npm {@code proper-lockfile} offers it: lock a given file
 * {@code F} by creating the directory {@code F.lock} (or {@link PathLockOptions#lockfilePath()}),
 * with the same heartbeat, loss detection and atomic stale takeover as {@link FileLockBackend}.
 *
 * <pre>{@code
 * try (FileLock lock = FileLocks.lock(Path.of("data.json"))) {
 *     ... // no other process using FileLocks or proper-lockfile on data.json gets here
 * }
 * }</pre>
 *
 * The locks a process holds are removed when the JVM shuts down (not on SIGKILL: they then go
 * stale). A second {@code lock} of a file this process holds fails like any other busy lock:
 * locks are not re-entrant. Two small files stay beside the lock directory for good:
 * {@code F.lock.takeover} (serialises stale takeovers) and {@code F.lock.fence} (fencing tokens).
 */
public final class FileLocks {

    private static final Map<Path, FileLock> HELD = new ConcurrentHashMap<>();

    private FileLocks() {
    }

    private static final class Engine {

        static final LockDirEngine INSTANCE = new LockDirEngine(new StaleTakeover(), new RealLockFileSystem());

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> List.copyOf(HELD.values()).forEach(FileLock::release), "slocket-file-locks-shutdown"));
        }
    }

    /**
     * One attempt with the defaults: realpath on, {@code <file>.lock}, 10 s stale.
     *
     * @param file the file to lock; it must exist
     * @return the held lock
     * @throws LockTimeoutException if someone holds it
     */
    public static FileLock lock(Path file) {
        return lock(file, PathLockOptions.defaults());
    }

    /**
     * @param file the file to lock
     * @param options the options; {@link PathLockOptions#acquireTimeout()} says how long to wait
     * @return the held lock
     * @throws LockTimeoutException if the lock stayed busy for the whole wait
     * @throws LockBackendException if the file does not exist (realpath on), the lock directory's
     *         parent does not exist, or the file system fails
     * @throws LockInterruptedException if the thread was interrupted while waiting
     */
    public static FileLock lock(Path file, PathLockOptions options) {
        return lock(file, options, Engine.INSTANCE);
    }

    /** {@link #lock(Path, PathLockOptions)} on {@code engine} and its file system (FL-12). */
    static FileLock lock(Path file, PathLockOptions options, LockDirEngine engine) {
        Path resolved = resolve(file, options.realpath(), "lock", engine.fs());
        LockPaths paths = LockPaths.forLockDir(lockDirectory(resolved, options));
        FileLock lock = new FileLock(resolved, paths.lockDir(), self -> HELD.remove(self.file(), self));
        DirectoryHold hold;
        try {
            hold = engine.acquire(paths, options.timing(), Deadline.after(options.acquireTimeout()),
                    options.watchPollInterval(), lock::lost);
        }
        catch (IOException ex) {
            throw failure("lock", file, paths.lockDir(), ex, engine.fs());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(resolved.toString(), ex);
        }
        if (hold == null) {
            throw new LockTimeoutException(resolved.toString(), options.acquireTimeout());
        }
        lock.attach(hold);
        HELD.put(lock.file(), lock);
        return lock;
    }

    /**
     * Is the file locked by anyone (this process included)? True when the lock directory exists
     * and is not stale (spec FL-53, FL-54).
     *
     * @param file the file
     * @param options {@code stale}, {@code realpath} and {@code lockfilePath} apply
     * @return whether it is locked
     */
    public static boolean check(Path file, PathLockOptions options) {
        return check(file, options, Engine.INSTANCE);
    }

    /** {@link #check(Path, PathLockOptions)} on {@code engine} and its file system (FL-12). */
    static boolean check(Path file, PathLockOptions options, LockDirEngine engine) {
        Path resolved = resolve(file, options.realpath(), "check", engine.fs());
        LockPaths paths = LockPaths.forLockDir(lockDirectory(resolved, options));
        try {
            return engine.isLocked(paths, options.timing());
        }
        catch (IOException ex) {
            throw failure("check", file, paths.lockDir(), ex, engine.fs());
        }
    }

    /**
     * @param file the file, with the defaults
     * @return whether it is locked
     */
    public static boolean check(Path file) {
        return check(file, PathLockOptions.defaults());
    }

    /**
     * Releases this process's lock on {@code file}: the lock directory recorded when it was taken
     * is removed if it is still ours (spec FL-45, FL-50).
     *
     * @param file the file
     * @param options only {@code realpath} applies
     * @throws IllegalStateException if this process does not hold a lock on the file
     */
    public static void unlock(Path file, PathLockOptions options) {
        unlock(file, options, Engine.INSTANCE.fs());
    }

    /** {@link #unlock(Path, PathLockOptions)}, resolving the path with {@code fs} (FL-12, FL-49). */
    static void unlock(Path file, PathLockOptions options, LockFileSystem fs) {
        Path resolved = resolve(file, options.realpath(), "unlock", fs);
        FileLock lock = HELD.get(resolved);
        if (lock == null) {
            throw new IllegalStateException("Lock is not acquired/owned by you: " + resolved);
        }
        lock.release();
    }

    /**
     * @param file the file, with the defaults
     */
    public static void unlock(Path file) {
        unlock(file, PathLockOptions.defaults());
    }

    private static Path resolve(Path file, boolean realpath, String action, LockFileSystem fs) {
        if (!realpath) {
            return file.toAbsolutePath().normalize();
        }
        try {
            return fs.realPath(file);
        }
        catch (NoSuchFileException ex) {
            throw new LockBackendException("Cannot " + action + " " + file + ": it does not exist (realpath is on, "
                    + "which resolves symlinks and needs the file; turn realpath off to lock a path that need not exist)",
                    ex);
        }
        catch (IOException ex) {
            throw new LockBackendException("Cannot " + action + " " + file + ": resolving its real path failed: " + ex,
                    ex);
        }
    }

    private static Path lockDirectory(Path resolved, PathLockOptions options) {
        if (options.lockfilePath() != null) {
            return options.lockfilePath().toAbsolutePath();
        }
        return resolved.resolveSibling(resolved.getFileName() + LockPaths.LOCK_SUFFIX);
    }

    private static LockBackendException failure(String action, Path file, Path lockDir, IOException ex,
            LockFileSystem fs) {
        String problem = ex instanceof NoSuchFileException && !fs.isDirectory(lockDir.getParent())
                ? "the directory " + lockDir.getParent() + " does not exist"
                : ex.toString();
        return new LockBackendException("Cannot " + action + " " + file + " (lock directory " + lockDir + "): "
                + problem, ex);
    }
}
