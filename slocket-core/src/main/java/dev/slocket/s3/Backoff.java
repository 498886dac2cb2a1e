package dev.slocket.s3;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Jittered exponential delays: each delay is drawn from [d/2, d], then d doubles up to the maximum. */
final class Backoff {

    private final long minMillis;

    private final long maxMillis;

    private long currentMillis;

    Backoff(Duration min, Duration max) {
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.currentMillis = minMillis;
    }

    /** @return the next delay in milliseconds */
    long next() {
        long delay = currentMillis / 2 + ThreadLocalRandom.current().nextLong(currentMillis / 2 + 1);
        currentMillis = Math.min(maxMillis, currentMillis * 2);
        return Math.max(1, delay);
    }

    /** Starts again from the minimum. */
    void reset() {
        currentMillis = minMillis;
    }
}
