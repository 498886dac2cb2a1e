package dev.slocket.benchmarks.chaos;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, counted in buckets a quarter of an octave wide (about 19 %), so that
 * child processes can send what they measured as small deltas and the run can add them up.
 */
final class Histogram {

    private static final int PER_OCTAVE = 4;

    private static final int BUCKETS = 48 * PER_OCTAVE;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void record(long nanos) {
        counts.incrementAndGet(bucket(nanos));
    }

    private static int bucket(long nanos) {
        if (nanos <= 1) {
            return 0;
        }
        return Math.min(BUCKETS - 1, (int) (Math.log(nanos) / Math.log(2) * PER_OCTAVE));
    }

    /** @return the upper bound of a bucket, in nanoseconds */
    private static long upperBound(int bucket) {
        return (long) Math.pow(2, (bucket + 1) / (double) PER_OCTAVE);
    }

    /** @return what was recorded since the last call, as {@code bucket:count} pairs; empty if nothing */
    String drain() {
        StringBuilder delta = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            long count = counts.getAndSet(i, 0);
            if (count > 0) {
                delta.append(delta.length() == 0 ? "" : " ").append(i).append(':').append(count);
            }
        }
        return delta.toString();
    }

    /** Adds the {@code bucket:count} pairs of {@link #drain()}. */
    void add(String[] pairs, int from) {
        for (int i = from; i < pairs.length; i++) {
            int colon = pairs[i].indexOf(':');
            counts.addAndGet(Integer.parseInt(pairs[i].substring(0, colon)), Long.parseLong(pairs[i].substring(colon + 1)));
        }
    }

    long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        return total;
    }

    /** @return the upper bound of the bucket that holds the {@code quantile}, in nanoseconds */
    long quantile(double quantile) {
        long rank = (long) Math.ceil(quantile * count());
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return upperBound(i);
            }
        }
        return 0;
    }

    /** @return "n, p50 x, p99 y" with units that fit */
    String summary() {
        long count = count();
        if (count == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%d, p50 %s, p99 %s, max %s", count, format(quantile(0.5)),
                format(quantile(0.99)), format(quantile(1.0)));
    }

    static String format(long nanos) {
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
        }
        if (nanos < 10_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
