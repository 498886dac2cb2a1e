package dev.slocket.file;

import java.time.Duration;

/**
 * The staleness threshold and heartbeat interval of a lock directory, with the bounds of
 * {@code proper-lockfile} (spec FL-5, FL-6).
 *
 * @param stale a lock directory whose mtime is older than this is stale and may be taken over
 * @param update how often the holder refreshes the mtime
 */
public record LockTiming(Duration stale, Duration update) {

    /** Default staleness threshold. */
    public static final Duration DEFAULT_STALE = Duration.ofSeconds(10);

    /** Smallest staleness threshold; smaller, zero or negative values are raised to it. */
    public static final Duration MIN_STALE = Duration.ofSeconds(2);

    /** Smallest heartbeat interval. */
    public static final Duration MIN_UPDATE = Duration.ofSeconds(1);

    /**
     * Normalises the values: {@code stale} {@code null} means 10 s, anything below 2 s becomes
     * 2 s; {@code update} {@code null} means {@code stale/2}, otherwise it is clamped to
     * {@code max(min(update, stale/2), 1 s)} (the lower bound wins).
     */
    public LockTiming {
        stale = effectiveStale(stale);
        update = effectiveUpdate(update, stale);
    }

    /** @return the defaults: 10 s stale, 5 s update */
    public static LockTiming defaults() {
        return new LockTiming(null, null);
    }

    private static Duration effectiveStale(Duration stale) {
        if (stale == null) {
            return DEFAULT_STALE;
        }
        return stale.compareTo(MIN_STALE) < 0 ? MIN_STALE : stale;
    }

    private static Duration effectiveUpdate(Duration update, Duration stale) {
        Duration half = stale.dividedBy(2);
        Duration wanted = (update == null || update.compareTo(half) > 0) ? half : update;
        return wanted.compareTo(MIN_UPDATE) < 0 ? MIN_UPDATE : wanted;
    }

    long staleMillis() {
        return stale.toMillis();
    }

    long staleNanos() {
        return saturatedNanos(stale);
    }

    long updateMillis() {
        return update.toMillis();
    }

    long updateNanos() {
        return saturatedNanos(update);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        }
        catch (ArithmeticException ex) {
            return Long.MAX_VALUE;
        }
    }
}
