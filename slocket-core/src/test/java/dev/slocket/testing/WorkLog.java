package dev.slocket.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeline of a shutdown test, in wall-clock milliseconds that every process of the host
 * shares: a holder prints {@code WORK <ms>} while it works under the lock and {@code DONE <ms>}
 * when its work ended; a waiter prints {@code ACQUIRED <ms>}. Mutual exclusion held if no work was
 * logged after the waiter acquired.
 */
public final class WorkLog {

    public static final String WORK = "WORK";

    public static final String DONE = "DONE";

    public static final String ACQUIRED = "ACQUIRED";

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private WorkLog() {
    }

    /**
     * Works for {@code duration} (the scenario: the sleep is the work), logging as it goes.
     *
     * @param duration how long
     */
    public static void work(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            System.out.println(WORK + " " + System.currentTimeMillis());
            LockSupport.parkNanos(Math.min(TICK_NANOS, end - System.nanoTime()));
        }
        System.out.println(DONE + " " + System.currentTimeMillis());
    }

    /**
     * Asserts that the holder did no work after the waiter acquired.
     *
     * @param holder the holder's output lines
     * @param waiter the waiter's output lines
     * @return whether the holder's work ran to its end
     */
    public static boolean assertExclusive(List<String> holder, List<String> waiter) {
        long acquired = last(waiter, ACQUIRED);
        long lastWork = Math.max(last(holder, WORK), last(holder, DONE));
        assertThat(lastWork).as("the holder worked until %d, after the waiter acquired at %d", lastWork, acquired)
                .isLessThanOrEqualTo(acquired).isPositive();
        return last(holder, DONE) > 0;
    }

    private static long last(List<String> lines, String event) {
        return lines.stream().filter(line -> line.startsWith(event + " "))
                .mapToLong(line -> Long.parseLong(line.substring(event.length() + 1).trim())).max().orElse(-1);
    }
}
