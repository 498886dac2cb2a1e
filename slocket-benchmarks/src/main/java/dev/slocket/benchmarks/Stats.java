package dev.slocket.benchmarks;

import java.util.Arrays;

/**
 * Percentiles of a set of durations in nanoseconds.
 *
 * @param p50 median
 * @param p90 90th percentile
 * @param p99 99th percentile
 * @param count how many samples
 */
record Stats(long p50, long p90, long p99, int count) {

    static Stats of(long[] samples) {
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Stats(at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted.length);
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * sorted.length))];
    }

    /** @return these figures halved, for a measurement that did the same thing twice */
    Stats half() {
        return new Stats(p50 / 2, p90 / 2, p99 / 2, count);
    }

    /** @return "p50 / p90 / p99" in microseconds */
    String micros() {
        return String.format("%.1f / %.1f / %.1f", p50 / 1e3, p90 / 1e3, p99 / 1e3);
    }
}
