package dev.slocket.socket;

/**
 * A place in an arbiter's queue kept for a process whose connection just released the lock: a
 * process that loops (release, then acquire again) needs a moment to reconnect, during which the
 * arbiter's own process would otherwise take the lock again and again. The next connection from
 * another process takes this place; a place nobody took by {@code expiresAt} is dropped.
 *
 * @param keptAt {@link System#nanoTime()} when the release was noticed and the place kept
 * @param expiresAt {@link System#nanoTime()} after which the place is no longer kept
 */
record KeptPlace(long keptAt, long expiresAt) {

    boolean isExpired(long now) {
        return now - expiresAt >= 0;
    }
}
