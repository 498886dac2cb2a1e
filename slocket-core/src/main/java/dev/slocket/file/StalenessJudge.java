package dev.slocket.file;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a lock directory someone else holds is stale (spec FL-63): its mtime is
 * strictly older than {@code now - stale}; or it is dated more than {@code stale} in the future
 * (a writer with a wrong clock, or a lock dated by hand) and has stayed exactly so for
 * {@code stale} on the local monotonic clock. The original treated a future mtime as never
 * stale, so such a lock blocked everyone for good.
 */
final class StalenessJudge {

    private static final Logger log = LoggerFactory.getLogger(StalenessJudge.class);

    private final Map<Path, Sighting> futureDated = new ConcurrentHashMap<>();

    /**
     * @param lockDir the lock directory
     * @param seen what a stat of it just returned
     * @param timing the staleness threshold
     * @return whether it may be taken over
     */
    boolean isStale(Path lockDir, DirStamp seen, LockTiming timing) {
        long now = System.currentTimeMillis();
        if (seen.isStale(timing.staleMillis(), now)) {
            futureDated.remove(lockDir);
            return true;
        }
        if (seen.mtimeMillis() - now <= timing.staleMillis()) {
            futureDated.remove(lockDir);
            return false;
        }
        Sighting earlier = futureDated.get(lockDir);
        if (earlier == null || !earlier.stamp().equals(seen)) {
            futureDated.put(lockDir, new Sighting(seen, System.nanoTime()));
            log.warn("Lock directory {} is dated {} ms in the future; it counts as stale if it stays unchanged for {}",
                    lockDir, seen.mtimeMillis() - now, timing.stale());
            return false;
        }
        return System.nanoTime() - earlier.sinceNanos() > timing.staleNanos();
    }

    private record Sighting(DirStamp stamp, long sinceNanos) {
    }
}
