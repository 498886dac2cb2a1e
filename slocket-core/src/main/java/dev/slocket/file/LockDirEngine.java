package dev.slocket.file;

import dev.slocket.LockBackendException;
import dev.slocket.spi.BackendLock;
import dev.slocket.spi.Deadline;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock-directory protocol of {@code proper-lockfile} (spec FL-17..FL-27): an attempt is one
 * atomic {@code mkdir}; an existing directory is either busy or stale, and a stale one is taken
 * over by {@link StaleTakeover}; a new directory gets the mtime-precision probe, a fencing token
 * and a heartbeat. Waiting between attempts sleeps on {@link DirectoryWatcher} events, the time
 * at which the seen lock would turn stale, and the safety poll, whichever comes first.
 */
final class LockDirEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockDirEngine.class);

    private static final AtomicInteger IDS = new AtomicInteger();

    private final LockFileSystem fs;

    private final MtimePrecision.Cache precisions = new MtimePrecision.Cache();

    private final StaleTakeover takeover;

    private final StalenessJudge judge = new StalenessJudge();

    private final ScheduledThreadPoolExecutor heartbeats;

    private final DirectoryWatcher watcher;

    /** Runs the attempts of acquisitions that wait without a thread, and times their retries. */
    private final ScheduledThreadPoolExecutor attempts;

    /** Acquisitions that wait without a thread, failed when the engine closes. */
    private final Set<AsyncDirAcquisition> pending = ConcurrentHashMap.newKeySet();

    /** Runs loss listeners, so a slow listener never delays the heartbeats of other locks. */
    private final ExecutorService lossNotifier;

    /**
     * @param takeover takes over stale lock directories
     * @param fs every file-system access goes through it (FL-12); the engine closes it
     */
    LockDirEngine(StaleTakeover takeover, LockFileSystem fs) {
        this.takeover = takeover;
        this.fs = fs;
        int id = IDS.incrementAndGet();
        this.heartbeats = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "slocket-file-" + id + "-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.setRemoveOnCancelPolicy(true);
        this.lossNotifier = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "slocket-file-" + id + "-loss");
            thread.setDaemon(true);
            return thread;
        });
        this.attempts = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "slocket-file-" + id + "-attempts");
            thread.setDaemon(true);
            return thread;
        });
        attempts.setRemoveOnCancelPolicy(true);
        this.watcher = new DirectoryWatcher("slocket-file-" + id + "-watch", fs);
    }

    /** @return the file system every access goes through */
    LockFileSystem fs() {
        return fs;
    }

    /** @return how many stale locks this engine took over */
    long takeovers() {
        return takeover.count();
    }

    /**
     * Acquires the lock directory, waiting until {@code deadline}.
     *
     * @return the hold, or {@code null} if the deadline passed first
     * @throws IOException if the file system fails in a way waiting would not cure
     */
    DirectoryHold acquire(LockPaths paths, LockTiming timing, Deadline deadline, Duration poll,
            LossListener listener) throws IOException, InterruptedException {
        try (DirectoryWatcher.Subscription removal = watcher.subscribe(paths.lockDir())) {
            while (true) {
                removal.clear();
                Attempt attempt = attempt(paths, timing);
                DirectoryHold hold = (attempt.owned() != null) ? hold(paths, timing, attempt.owned(), listener) : null;
                if (hold != null) {
                    return hold;
                }
                if (deadline.isExpired()) {
                    return null;
                }
                long nanos = Math.min(deadline.remainingNanos(), poll.toNanos());
                if (attempt.seen() != null) {
                    nanos = Math.min(nanos, nanosUntilStale(attempt.seen(), timing));
                }
                removal.await(nanos);
            }
        }
    }

    /**
     * Acquires the lock directory without a thread waiting (see {@link AsyncDirAcquisition}).
     *
     * @param failure turns a file-system failure into the exception the future fails with
     * @return the pending acquisition; cancelling it withdraws it
     */
    CompletableFuture<BackendLock> acquireAsync(LockPaths paths, LockTiming timing, Deadline deadline, Duration poll,
            LossListener listener, Function<IOException, RuntimeException> failure) {
        AsyncDirAcquisition acquisition = new AsyncDirAcquisition(this, paths, timing, deadline, poll, listener,
                attempts, failure);
        pending.add(acquisition);
        acquisition.whenComplete((lock, ex) -> pending.remove(acquisition));
        acquisition.start(watcher);
        return acquisition;
    }

    static long nanosUntilStale(DirStamp seen, LockTiming timing) {
        long millis = seen.mtimeMillis() + timing.staleMillis() + 1 - System.currentTimeMillis();
        return TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
    }

    /**
     * Takes a fencing token and starts the heartbeat of a directory this engine created.
     *
     * @return the hold, or {@code null} if the directory was taken over before the hold could
     *         start (the acquisition was paused for longer than {@code stale})
     */
    DirectoryHold hold(LockPaths paths, LockTiming timing, NewDirectory created, LossListener listener) {
        long token;
        try {
            token = fs.nextToken(paths);
        }
        catch (RuntimeException ex) {
            abandon(paths, timing, created.startedNanos());
            throw ex;
        }
        MtimePrecision precision = precisions.get(paths.parent());
        LossListener offHeartbeatThread = reason -> lossNotifier.execute(() -> listener.lockLost(reason));
        DirectoryHold hold = new DirectoryHold(paths, timing, precision, created, token, offHeartbeatThread,
                heartbeats, fs);
        return hold.start() ? hold : null;
    }

    /** One attempt (spec FL-17..FL-24): the new directory's stamp, or the stamp of the one seen. */
    Attempt attempt(LockPaths paths, LockTiming timing) throws IOException {
        NewDirectory created = create(paths, timing, false);
        if (created != null) {
            return Attempt.won(created);
        }
        DirStamp seen;
        try {
            seen = fs.stat(paths.lockDir());
        }
        catch (NoSuchFileException ex) {
            // it vanished meanwhile: exactly one more try, without stale checking (FL-19)
            return Attempt.of(create(paths, timing, false), null);
        }
        if (!judge.isStale(paths.lockDir(), seen, timing)) {
            return Attempt.busy(seen);
        }
        // a lost takeover race leaves nothing to time: wait for the next removal or the poll
        return Attempt.of(takeover.takeOver(paths, timing, judge, fs, () -> create(paths, timing, true)), null);
    }

    /**
     * {@code mkdir}, then the mtime-precision probe (FL-25..FL-27). The probe reads the new
     * directory by its path: if it came so late that others could have taken the directory over
     * meanwhile, what it read may be theirs, so the attempt counts as a lost race and the directory,
     * if still ours, goes stale.
     *
     * @param rightHeld whether the caller holds the directory's takeover right (a stale takeover)
     * @return the new directory, or {@code null} if it already existed or cannot be told ours
     */
    private NewDirectory create(LockPaths paths, LockTiming timing, boolean rightHeld) throws IOException {
        Path lockDir = paths.lockDir();
        long started = System.nanoTime();
        try {
            fs.createDirectory(lockDir);
        }
        catch (FileAlreadyExistsException ex) {
            return null;
        }
        DirStamp stamp;
        try {
            stamp = probe(lockDir);
        }
        catch (IOException | RuntimeException ex) {
            if (rightHeld) {
                removeIfYoung(paths, started, timing);
            }
            else {
                abandon(paths, timing, started);
            }
            throw ex;
        }
        if (!NewDirectory.surelyOurs(started, timing)) {
            log.warn("Lock directory {} was created {} ms before it could be read back; it may have been taken over"
                    + " meanwhile, so it is left to go stale", lockDir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return null;
        }
        return new NewDirectory(stamp, started);
    }

    private DirStamp probe(Path lockDir) throws IOException {
        Path parent = lockDir.getParent();
        if (precisions.get(parent) != null) {
            return fs.stat(lockDir);
        }
        fs.setMtime(lockDir, MtimePrecision.probeMtime(System.currentTimeMillis()));
        DirStamp stamp = fs.stat(lockDir);
        MtimePrecision precision = MtimePrecision.fromProbe(stamp.mtimeMillis());
        precisions.put(parent, precision);
        log.debug("mtime precision of {} is {}", parent, precision);
        return stamp;
    }

    /**
     * @return whether someone holds the lock: the directory exists and is not stale (FL-53)
     */
    boolean isLocked(LockPaths paths, LockTiming timing) throws IOException {
        try {
            return !fs.stat(paths.lockDir()).isStale(timing.staleMillis(), System.currentTimeMillis());
        }
        catch (NoSuchFileException ex) {
            return false;
        }
    }

    /**
     * Removes a directory this engine created when the acquisition fails after all, holding the
     * right and only while nobody could have taken it over yet; otherwise leaves it to go stale.
     * Where the right cannot be had at all (the directory's state files are unusable), nobody can
     * take the directory over either, so it is removed while it is young.
     */
    private void abandon(LockPaths paths, LockTiming timing, long createdNanos) {
        DirectoryRight right;
        try {
            right = DirectoryRight.take(paths, fs, DirectoryRight.HOLDER_WAIT_NANOS);
            if (right == null) {
                return;
            }
        }
        catch (IOException | RuntimeException ex) {
            right = null;
        }
        try {
            removeIfYoung(paths, createdNanos, timing);
        }
        finally {
            if (right != null) {
                right.close();
            }
        }
    }

    /**
     * Removes a directory this engine created while nobody could have taken it over yet; the
     * caller holds the right, or nobody can have it.
     */
    private void removeIfYoung(LockPaths paths, long createdNanos, LockTiming timing) {
        try {
            if (NewDirectory.surelyOurs(createdNanos, timing)) {
                fs.delete(paths.lockDir());
            }
        }
        catch (IOException ex) {
            log.debug("Could not remove {} after a failed acquisition", paths.lockDir(), ex);
        }
    }

    @Override
    public void close() {
        attempts.shutdownNow();
        LockBackendException closed = new LockBackendException("The file lock backend is closed");
        pending.forEach(acquisition -> acquisition.completeExceptionally(closed));
        heartbeats.shutdownNow();
        lossNotifier.shutdown();
        watcher.close();
        fs.close();
    }

    /**
     * @param owned the directory this attempt created, or {@code null}
     * @param seen the stamp of a directory someone else holds, when known
     */
    record Attempt(NewDirectory owned, DirStamp seen) {

        static Attempt won(NewDirectory owned) {
            return new Attempt(owned, null);
        }

        static Attempt busy(DirStamp seen) {
            return new Attempt(null, seen);
        }

        static Attempt of(NewDirectory owned, DirStamp seen) {
            return owned != null ? won(owned) : busy(seen);
        }
    }
}
