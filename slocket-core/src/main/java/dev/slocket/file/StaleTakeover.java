package dev.slocket.file;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over a stale lock directory with a single winner (spec FL-24; the original's
 * stat → rmdir → mkdir lets a slow contender delete the fresh lock of a faster one, upstream
 * issue #121).
 *
 * <ol>
 * <li><b>Serialise.</b> Only the holder of the {@link DirectoryRight} may take over: an exclusive
 * OS lock on the name's byte of the directory's shared rights file (the path form: the sidecar
 * {@code <lock dir>.takeover}), which the OS drops when its process dies, so a crashed contender
 * never blocks others. The holder's heartbeat and release take the same right, so a takeover
 * never falls between their check and their write. A contender that cannot get the right at once
 * treats the lock as busy and waits like any waiter.</li>
 * <li><b>Re-check.</b> Holding it, stat the lock directory again: it must still be stale.</li>
 * <li><b>Move aside atomically</b> ({@link MoveAside}). Rename the lock directory to a unique tombstone name in the
 * same directory ({@code .slocket-tombstone-<uuid>}: a hidden name that no encoded lock name can
 * take). A rename moves exactly one directory, so there is no window in which a fresh lock
 * created by a plain {@code mkdir} could be deleted by name.</li>
 * <li><b>Verify what was moved.</b> Stat the tombstone. If it is not the stale directory seen in
 * step 2 (another file key, or an mtime refreshed in between by a holder that woke up), it is
 * someone's live lock: rename it back and report "busy". Otherwise remove the tombstone.</li>
 * <li><b>Create.</b> A plain {@code mkdir} of the lock directory; losing it to a plain acquirer
 * is fine, since that acquirer then holds the lock alone.</li>
 * </ol>
 *
 * Contenders that do not take the sidecar lock (e.g. {@code proper-lockfile} itself) still use
 * the original's stat → rmdir → mkdir; against them the takeover is only as safe as theirs.
 */
final class StaleTakeover {

    private static final Logger log = LoggerFactory.getLogger(StaleTakeover.class);

    private final AtomicLong count = new AtomicLong();

    private final Runnable beforeMoveAside;

    StaleTakeover() {
        this(() -> { });
    }

    /**
     * @param beforeMoveAside runs after the stale directory was re-checked and before it is moved
     *        aside; tests widen the race window with it
     */
    StaleTakeover(Runnable beforeMoveAside) {
        this.beforeMoveAside = beforeMoveAside;
    }

    /** @return how many stale locks this instance took over */
    long count() {
        return count.get();
    }

    /**
     * @param paths the lock
     * @param timing the lock's staleness threshold
     * @param judge decides, again under the takeover lock, whether the directory is still stale
     * @param fs the file system every access goes through
     * @param creator makes the lock directory once the stale one is gone
     * @return the new lock directory, or {@code null} if someone else holds or is taking over the lock
     */
    NewDirectory takeOver(LockPaths paths, LockTiming timing, StalenessJudge judge, LockFileSystem fs, Creator creator)
            throws IOException {
        try (DirectoryRight right = DirectoryRight.tryTake(paths, fs)) {
            return right == null ? null : takeOverLocked(paths, timing, judge, fs, creator);
        }
    }

    private NewDirectory takeOverLocked(LockPaths paths, LockTiming timing, StalenessJudge judge, LockFileSystem fs,
            Creator creator) throws IOException {
        Path lockDir = paths.lockDir();
        DirStamp stale;
        try {
            stale = fs.stat(lockDir);
        }
        catch (NoSuchFileException ex) {
            return creator.create();
        }
        if (!judge.isStale(lockDir, stale, timing)) {
            return null;
        }
        beforeMoveAside.run();
        MoveAside.Outcome outcome = MoveAside.removeIf(fs, lockDir, stale);
        if (outcome == MoveAside.Outcome.NOT_OURS) {
            return null;
        }
        NewDirectory created = creator.create();
        if (created != null && outcome == MoveAside.Outcome.REMOVED) {
            long takeovers = count.incrementAndGet();
            log.warn("Took over stale lock {} (mtime {}, now {}, stale after {}; takeover #{})", lockDir,
                    stale.mtime(), Instant.now(), timing.stale(), takeovers);
        }
        return created;
    }

    /** Creates the lock directory with a plain {@code mkdir}. */
    @FunctionalInterface
    interface Creator {

        /** @return the new directory, or {@code null} if it already exists */
        NewDirectory create() throws IOException;
    }
}
