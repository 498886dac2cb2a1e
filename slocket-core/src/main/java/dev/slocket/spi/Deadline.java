package dev.slocket.spi;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a wait for a lock ends, on the monotonic clock ({@link System#nanoTime()}).
 * A deadline made from {@link Duration#ZERO} is already expired: backends then make exactly one
 * attempt.
 */
public final class Deadline {

    private static final Deadline NEVER = new Deadline(0, true);

    private final long endNanos;

    private final boolean infinite;

    private Deadline(long endNanos, boolean infinite) {
        this.endNanos = endNanos;
        this.infinite = infinite;
    }

    /** @return a deadline that never passes */
    public static Deadline never() {
        return NEVER;
    }

    /**
     * @param wait how long from now; {@code null} or a duration too long to represent means never
     * @return the deadline {@code wait} from now
     */
    public static Deadline after(Duration wait) {
        if (wait == null) {
            return NEVER;
        }
        if (wait.isNegative()) {
            throw new IllegalArgumentException("wait must not be negative: " + wait);
        }
        long nanos;
        try {
            nanos = wait.toNanos();
        }
        catch (ArithmeticException ex) {
            return NEVER;
        }
        if (nanos > Long.MAX_VALUE / 4) {
            return NEVER;
        }
        return new Deadline(System.nanoTime() + nanos, false);
    }

    /** @return whether this deadline never passes */
    public boolean isInfinite() {
        return infinite;
    }

    /** @return whether the deadline has passed */
    public boolean isExpired() {
        return !infinite && remainingNanos() <= 0;
    }

    /** @return nanoseconds left, at least 0; {@link Long#MAX_VALUE} when infinite */
    public long remainingNanos() {
        if (infinite) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, endNanos - System.nanoTime());
    }

    /**
     * @param cap the longest wait wanted
     * @param unit the unit of {@code cap}
     * @return the smaller of the time left and {@code cap}, in milliseconds, at least 0
     */
    public long remainingMillisAtMost(long cap, TimeUnit unit) {
        return Math.min(TimeUnit.NANOSECONDS.toMillis(remainingNanos()), unit.toMillis(cap));
    }

    @Override
    public String toString() {
        return infinite ? "Deadline[never]" : "Deadline[in " + Duration.ofNanos(remainingNanos()) + "]";
    }
}
