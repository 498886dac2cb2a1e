package dev.slocket.file;

import java.util.concurrent.TimeUnit;

/**
 * A lock directory this process just created, and when: others may take it over once its mtime,
 * which the kernel set at the {@code mkdir}, is older than {@code stale}. Until then, whatever is
 * at its path is surely this directory.
 *
 * @param stamp its stamp, read back after the {@code mkdir}
 * @param startedNanos {@link System#nanoTime()} just before the {@code mkdir}
 */
record NewDirectory(DirStamp stamp, long startedNanos) {

    /**
     * How much earlier than the {@code mkdir} call the kernel may date the directory (its file
     * clock lags by up to a tick) and how far apart the clocks of processes comparing mtimes may be.
     */
    static final long CLOCK_MARGIN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** @return the earliest {@link System#nanoTime()} at which others may take over its last refresh */
    long validSinceNanos() {
        return startedNanos - CLOCK_MARGIN_NANOS;
    }

    /**
     * @param startedNanos when the {@code mkdir} of a directory began
     * @param timing the lock's staleness threshold
     * @return whether nobody could have taken the directory over yet
     */
    static boolean surelyOurs(long startedNanos, LockTiming timing) {
        return System.nanoTime() - (startedNanos - CLOCK_MARGIN_NANOS) < timing.staleNanos();
    }
}
