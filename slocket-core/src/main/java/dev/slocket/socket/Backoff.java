package dev.slocket.socket;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with ±20% jitter for transient connect errors (SL-17, SL-52). Not thread-safe:
 * one per acquisition.
 */
final class Backoff {

    private final long minNanos;

    private final long maxNanos;

    private long nextNanos;

    Backoff(Duration min, Duration max) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.nextNanos = minNanos;
    }

    /** @return the next pause in nanoseconds, jittered */
    long nextNanos() {
        long base = nextNanos;
        nextNanos = Math.min(maxNanos, nextNanos * 2);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return (long) (base * jitter);
    }

    /** Starts again from the shortest pause. */
    void reset() {
        nextNanos = minNanos;
    }
}
