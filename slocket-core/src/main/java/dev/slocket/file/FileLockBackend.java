package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.BackendStatus;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LockBackend;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The file backend: lock {@code N} is the directory {@code <directory>/<encoded N>.lock}, the
 * on-disk protocol of npm {@code proper-lockfile} 4.x (a process that locks the path
 * {@code <directory>/<encoded N>} with {@code realpath: false} excludes and is excluded by this
 * backend). Acquisition is one atomic {@code mkdir}; the holder refreshes the directory's mtime
 * every {@code update}; a directory older than {@code stale} is taken over atomically (see
 * {@link StaleTakeover}); a hold that stops being ours is reported through the loss listener.
 * Waiters sleep on a {@link java.nio.file.WatchService} with a slow safety poll.
 *
 * <p>Fencing tokens come from the name's slot in the directory's shared counters file, and a
 * byte-range lock of the name in its shared rights file serialises takeovers
 * ({@link dev.slocket.spi.DirectoryState}); so nothing but {@code <encoded N>.lock} is kept per
 * name, and only while the lock is held.
 */
public final class FileLockBackend implements LockBackend {

    private final FileLockOptions options;

    private final LockDirEngine engine;

    /** The real path of the backend directory, resolved once. */
    private final Path directory;

    private final boolean foldCase;

    /**
     * @param options the backend's options
     * @throws LockBackendException if the directory cannot be created, is not a writable directory, or could be
     *         controlled by another user
     */
    public FileLockBackend(FileLockOptions options) {
        this(options, new StaleTakeover(), new RealLockFileSystem());
    }

    /**
     * @param options the backend's options
     * @param takeover takes over stale lock directories
     * @param fs every file-system access goes through it (FL-12); the backend closes it
     */
    FileLockBackend(FileLockOptions options, StaleTakeover takeover, LockFileSystem fs) {
        this.options = options;
        try {
            this.foldCase = fs.prepareDirectory(options.directory(), options.sharedGroup());
            this.directory = fs.realPath(options.directory());
        }
        catch (IOException ex) {
            throw new LockBackendException("File lock directory " + options.directory() + " is not usable: " + ex, ex);
        }
        this.engine = new LockDirEngine(takeover, fs);
    }

    @Override
    public String type() {
        return "file";
    }

    /** @return the options this backend runs with */
    public FileLockOptions options() {
        return options;
    }

    @Override
    public BackendLock acquire(String name, Deadline deadline, LossListener lossListener) throws InterruptedException {
        LockPaths paths = LockPaths.forName(directory, name, foldCase);
        try {
            return engine.acquire(paths, options.timing(), deadline, options.watchPollInterval(), lossListener);
        }
        catch (IOException ex) {
            throw failure("acquire", name, paths, ex);
        }
    }

    /** Waits without a thread: watch events and the safety poll schedule the next attempt. */
    @Override
    public CompletableFuture<BackendLock> acquireAsync(String name, Deadline deadline, LossListener lossListener) {
        LockPaths paths = LockPaths.forName(directory, name, foldCase);
        return engine.acquireAsync(paths, options.timing(), deadline, options.watchPollInterval(), lossListener,
                ex -> failure("acquire", name, paths, ex));
    }

    @Override
    public boolean isLocked(String name) {
        LockPaths paths = LockPaths.forName(directory, name, foldCase);
        try {
            return engine.isLocked(paths, options.timing());
        }
        catch (IOException ex) {
            throw failure("check", name, paths, ex);
        }
    }

    private LockBackendException failure(String action, String name, LockPaths paths, IOException ex) {
        String problem;
        if (ex instanceof NoSuchFileException && !engine.fs().isDirectory(directory)) {
            problem = "the lock directory " + directory + " no longer exists";
        }
        else if (ex instanceof AccessDeniedException) {
            problem = "access denied to " + ex.getMessage();
        }
        else {
            problem = ex.toString();
        }
        return new LockBackendException("Cannot " + action + " file lock '" + name + "' at " + paths.lockDir() + ": "
                + problem, ex);
    }

    /** @return usable when {@link dev.slocket.spi.DirectoryCheck} finds no problem; details include the takeover count */
    @Override
    public BackendStatus status() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backend", type());
        details.put("directory", options.directory().toString());
        details.put("stale", options.stale().toString());
        details.put("update", options.update().toString());
        details.put("takeovers", engine.takeovers());
        return engine.fs().directoryProblem(options.directory(), options.sharedGroup(), details)
                .map(problem -> BackendStatus.down(problem, details)).orElseGet(() -> BackendStatus.up(details));
    }

    /** @return how many stale locks this backend took over */
    public long takeovers() {
        return engine.takeovers();
    }

    @Override
    public void close() {
        engine.close();
    }
}
