package dev.slocket.file;

import dev.slocket.spi.BackendLock;
import dev.slocket.spi.LossListener;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hold of a lock directory: the mtime heartbeat, loss detection and release
 * (spec FL-31..FL-47). Release never removes by path what it last stat'ed: the directory is
 * renamed aside first and removed only if the renamed one is still ours ({@link MoveAside}).
 *
 * <p>Every {@code update} the heartbeat stats the directory; it must still have the file key and
 * mtime recorded at the last refresh, otherwise someone else owns it now. It then writes a new
 * mtime and stats again (stat-then-write is not atomic), recording the value read back, so any
 * mtime granularity works. The lock is reported lost, once, when the directory vanished, is not
 * ours any more, or could not be refreshed for longer than {@code stale}; a late heartbeat that
 * finds the directory unchanged just refreshes it (FL-35). Each refresh and the release hold
 * the {@link DirectoryRight}, so no takeover falls between their stat and their write, however
 * long the process is stopped in between. Release and heartbeat share one lock, so a release
 * never produces a loss report and no refresh follows a release (a {@link ReentrantLock}, not a
 * monitor: its file-system calls may be slow and must not pin a virtual thread's carrier).
 */
final class DirectoryHold implements BackendLock {

    private static final Logger log = LoggerFactory.getLogger(DirectoryHold.class);

    /** Retry delay after a failed refresh, whatever {@code update} is (FL-33). */
    private static final long RETRY_MILLIS = 1000;

    private final LockPaths paths;

    private final LockTiming timing;

    private final MtimePrecision precision;

    private final long token;

    private final LossListener listener;

    private final ScheduledExecutorService scheduler;

    private final LockFileSystem fs;

    private final ReentrantLock guard = new ReentrantLock();

    private DirStamp recorded;

    private long lastRefreshNanos;

    /** When the newest mtime that others see was taken, at the latest: others may take over {@code stale} after it. */
    private volatile long validSinceNanos;

    private volatile boolean released;

    private volatile boolean lost;

    private ScheduledFuture<?> next;

    DirectoryHold(LockPaths paths, LockTiming timing, MtimePrecision precision, NewDirectory created, long token,
            LossListener listener, ScheduledExecutorService scheduler, LockFileSystem fs) {
        this.paths = paths;
        this.timing = timing;
        this.precision = precision;
        this.recorded = created.stamp();
        this.token = token;
        this.listener = listener;
        this.scheduler = scheduler;
        this.fs = fs;
        this.lastRefreshNanos = created.startedNanos();
        this.validSinceNanos = created.validSinceNanos();
    }

    /**
     * Starts the heartbeat. If the acquisition took so long (the process was stopped, or waited for
     * the fencing counter) that the first heartbeat would come after others may take the directory
     * over, it is refreshed at once instead; if it was taken over meanwhile, the hold never starts
     * and nobody is told of a loss, because nobody was given the lock.
     *
     * @return whether the hold started
     */
    boolean start() {
        String lossReason;
        guard.lock();
        try {
            if (System.nanoTime() - validSinceNanos < timing.staleNanos() - timing.updateNanos()) {
                schedule(timing.updateMillis());
                return true;
            }
            lossReason = refresh();
            lost = lossReason != null;
        }
        finally {
            guard.unlock();
        }
        if (lossReason != null) {
            log.warn("Lock directory {} was taken over while it was being acquired (the acquisition was paused for"
                    + " longer than {}): {}", paths.lockDir(), timing.stale(), lossReason);
        }
        return lossReason == null;
    }

    private void schedule(long delayMillis) {
        next = scheduler.schedule(this::heartbeat, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public long fencingToken() {
        return token;
    }

    /**
     * @return whether the hold is neither released nor lost, and was refreshed within {@code stale}
     *         (after that another process may take the lock over); reads no monitor
     */
    @Override
    public boolean isValid() {
        return !released && !lost && System.nanoTime() - validSinceNanos <= timing.staleNanos();
    }

    private void heartbeat() {
        String lossReason;
        guard.lock();
        try {
            if (released || lost) {
                return;
            }
            lossReason = refresh();
            if (lossReason != null) {
                lost = true;
            }
        }
        finally {
            guard.unlock();
        }
        if (lossReason != null) {
            log.warn("Lock directory {} is no longer ours: {}", paths.lockDir(), lossReason);
            listener.lockLost(lossReason);
        }
    }

    /** @return why the lock is lost, or {@code null} when refreshed or retried later */
    private String refresh() {
        long started = System.nanoTime();
        try (DirectoryRight right = DirectoryRight.take(paths, fs, DirectoryRight.HOLDER_WAIT_NANOS)) {
            if (right == null) {
                throw new FileSystemException(paths.lockDir().toString(), null,
                        "another process holds the right to take it over");
            }
            DirStamp current = fs.stat(paths.lockDir());
            if (!current.equals(recorded)) {
                return "lock directory " + paths.lockDir() + " was changed by someone else (mtime " + current.mtime()
                        + ", expected " + recorded.mtime() + "): taken over as stale?";
            }
            long mtime = precision.heartbeatMtime(System.currentTimeMillis());
            fs.setMtime(paths.lockDir(), mtime);
            DirStamp after = fs.stat(paths.lockDir());
            if (!after.sameDirectory(recorded)) {
                return "lock directory " + paths.lockDir() + " was replaced by someone else during a refresh";
            }
            recorded = after;
            lastRefreshNanos = System.nanoTime();
            validSinceNanos = started;
            schedule(timing.updateMillis());
            return null;
        }
        catch (NoSuchFileException ex) {
            return "lock directory " + paths.lockDir() + " vanished";
        }
        catch (IOException | RuntimeException ex) {
            long sinceRefresh = System.nanoTime() - lastRefreshNanos;
            if (sinceRefresh > timing.staleNanos()) {
                return "could not refresh lock directory " + paths.lockDir() + " within the stale threshold of "
                        + timing.stale() + ": " + ex;
            }
            log.warn("Refreshing lock directory {} failed, retrying in {} ms: {}", paths.lockDir(), RETRY_MILLIS,
                    ex.toString());
            schedule(RETRY_MILLIS);
            return null;
        }
    }

    /**
     * Stops the heartbeat and removes the lock directory if it is still the one we refreshed
     * last; a directory that is not ours any more is left to its owner. Idempotent.
     */
    @Override
    public void release() {
        guard.lock();
        try {
            if (released) {
                return;
            }
            released = true;
            next.cancel(false);
            if (lost) {
                return;
            }
            removeIfOurs();
        }
        finally {
            guard.unlock();
        }
    }

    /**
     * Holding the right, leaves a directory that is visibly not ours alone; otherwise moves it
     * aside, checks that the moved one is ours, and only then removes it (see {@link MoveAside}), so
     * a lock taken over by a peer that takes no right is put back, never removed.
     */
    private void removeIfOurs() {
        try (DirectoryRight right = DirectoryRight.take(paths, fs, DirectoryRight.HOLDER_WAIT_NANOS)) {
            if (right == null) {
                log.warn("Leaving lock directory {} on release: another process holds the right to take it over, so"
                        + " it goes stale in {}", paths.lockDir(), timing.stale());
                return;
            }
            if (!fs.stat(paths.lockDir()).equals(recorded)) {
                log.warn("Not removing lock directory {} on release: it is no longer ours", paths.lockDir());
                return;
            }
            MoveAside.Outcome outcome = MoveAside.removeIf(fs, paths.lockDir(), recorded);
            if (outcome == MoveAside.Outcome.MISSING) {
                log.warn("Lock directory {} was already gone on release", paths.lockDir());
            }
            else if (outcome == MoveAside.Outcome.NOT_OURS) {
                log.warn("Not removing lock directory {} on release: it is no longer ours", paths.lockDir());
            }
        }
        catch (NoSuchFileException ex) {
            log.warn("Lock directory {} was already gone on release", paths.lockDir());
        }
        catch (IOException | RuntimeException ex) {
            // includes state files that cannot be locked at all (LockBackendException)
            log.warn("Could not remove lock directory {} on release; it goes stale in {}", paths.lockDir(),
                    timing.stale(), ex);
        }
    }

    @Override
    public String toString() {
        return "DirectoryHold[" + paths.lockDir() + ", token " + token + "]";
    }
}
