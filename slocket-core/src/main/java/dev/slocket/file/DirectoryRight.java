package dev.slocket.file;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to change a lock directory by its path: to take it over, refresh its mtime or remove
 * it. A stat and the write that follows it are two system calls; a process stopped between them
 * (a {@code SIGSTOP}, a long pause) would otherwise write to whatever is at the path when it
 * resumes, which may be another holder's directory, even one that got the same inode number.
 * Every such change in this backend happens while holding the right, so none can fall between
 * another's check and write.
 *
 * <p>The right is the exclusive OS lock of {@link LockFileSystem#tryLock} (the OS drops it when
 * its process dies) and, inside one JVM, a set of lock directories in use, because POSIX locks of
 * one process do not exclude each other. A process stopped while holding it blocks only changes
 * of that one name until it resumes or dies.
 */
final class DirectoryRight implements AutoCloseable {

    /** How long a holder waits for the right before it gives up; another holder keeps it for microseconds. */
    static final long HOLDER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final Logger log = LoggerFactory.getLogger(DirectoryRight.class);

    private static final long YIELD_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private static final Set<Path> IN_USE = ConcurrentHashMap.newKeySet();

    private final Path lockDir;

    private final LockFileSystem.OsLock osLock;

    private DirectoryRight(Path lockDir, LockFileSystem.OsLock osLock) {
        this.lockDir = lockDir;
        this.osLock = osLock;
    }

    /**
     * @return the right, or {@code null} if a thread of this or another process holds it
     */
    static DirectoryRight tryTake(LockPaths paths, LockFileSystem fs) throws IOException {
        Path lockDir = paths.lockDir();
        if (!IN_USE.add(lockDir)) {
            return null;
        }
        try {
            LockFileSystem.OsLock osLock = fs.tryLock(paths);
            if (osLock != null) {
                return new DirectoryRight(lockDir, osLock);
            }
        }
        catch (IOException | RuntimeException ex) {
            IN_USE.remove(lockDir);
            throw ex;
        }
        IN_USE.remove(lockDir);
        return null;
    }

    /**
     * Retries {@link #tryTake} until {@code maxWaitNanos} have passed; never blocks on the OS lock,
     * so a stopped holder of the right cannot stop the caller for longer.
     *
     * @return the right, or {@code null} if it stayed taken
     */
    static DirectoryRight take(LockPaths paths, LockFileSystem fs, long maxWaitNanos) throws IOException {
        long start = System.nanoTime();
        DirectoryRight right = tryTake(paths, fs);
        while (right == null && System.nanoTime() - start < maxWaitNanos) {
            if (System.nanoTime() - start < YIELD_NANOS) {
                // another holder keeps it for microseconds: a park would wait far longer than that
                Thread.yield();
            }
            else {
                LockSupport.parkNanos(RETRY_NANOS);
            }
            right = tryTake(paths, fs);
        }
        return right;
    }

    @Override
    public void close() {
        try {
            osLock.close();
        }
        catch (IOException ex) {
            // the lock goes with the channel; nothing else holds on to it
            log.warn("Could not release the takeover right of {}", lockDir, ex);
        }
        finally {
            IN_USE.remove(lockDir);
        }
    }
}
