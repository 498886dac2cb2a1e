package dev.slocket.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timeline of a shutdown test, in wall-clock milliseconds that every process of the host
 * shares: a holder prints {@code WORK <ms>} while it works under the lock, {@code SHUTDOWN <ms>}
 * when its shutdown began and {@code DONE <ms>} when its work ended; a waiter prints
 * {@code ACQUIRED <ms>}. Mutual exclusion held if no work was logged after the waiter acquired.
 */
public final class WorkLog {

    public static final String WORK = "WORK";

    public static final String DONE = "DONE";

    public static final String ACQUIRED = "ACQUIRED";

    public static final String SHUTDOWN = "SHUTDOWN";

    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final long MOST_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static volatile long shutdownNanos;

    private WorkLog() {
    }

    /** The process's shutdown began (SIGTERM): work ends {@code afterShutdown} from now. */
    public static void shutdownBegins() {
        shutdownNanos = System.nanoTime();
        System.out.println(SHUTDOWN + " " + System.currentTimeMillis());
    }

    /**
     * Works until {@code afterShutdown} after {@link #shutdownBegins()} (at most a minute), so the
     * signal always arrives while the work runs; logs as it goes. The parking is the work.
     *
     * @param afterShutdown how long the work goes on once shutdown began
     */
    public static void work(Duration afterShutdown) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < MOST_NANOS) {
            long began = shutdownNanos;
            if (began != 0 && System.nanoTime() - began >= afterShutdown.toNanos()) {
                break;
            }
            System.out.println(WORK + " " + System.currentTimeMillis());
            LockSupport.parkNanos(TICK_NANOS);
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
        assertThat(last(holder, SHUTDOWN)).as("the holder's shutdown began while it worked").isPositive()
                .isLessThan(lastWork);
        return last(holder, DONE) > 0;
    }

    private static long last(List<String> lines, String event) {
        return lines.stream().filter(line -> line.startsWith(event + " "))
                .mapToLong(line -> Long.parseLong(line.substring(event.length() + 1).trim())).max().orElse(-1);
    }
}
