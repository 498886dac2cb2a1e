package dev.slocket.benchmarks.chaos;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one worker process counts and measures, sent to the run as lines on standard output:
 * <ul>
 * <li>{@code READY}, {@code DONE}: started, stopped cleanly;</li>
 * <li>{@code S <cycles> <nanoTime of the last cycle>}: progress, every {@link #FLUSH_MILLIS} ms;</li>
 * <li>{@code C <counter>=<n> ...}: all counters, cumulative, with each progress line;</li>
 * <li>{@code H <latency kind> <bucket>:<count> ...}: new latency samples since the last such line;</li>
 * <li>{@code V <violation kind> <details>}: a broken guarantee, at once;</li>
 * <li>{@code E <details>}: an unexpected error that ended a worker thread.</li>
 * </ul>
 * A SIGKILLed worker loses what it counted since its last progress line; violations are never lost.
 */
final class WorkerStats {

    static final long FLUSH_MILLIS = 100;

    private final PrintStream out;

    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();

    private final LongAdder cycles = new LongAdder();

    private final AtomicLong lastCycle = new AtomicLong();

    /** When the status thread noticed that this process had been stopped; 0 when nothing is pending. */
    private final AtomicLong resumedAt = new AtomicLong();

    WorkerStats(PrintStream out) {
        this.out = out;
    }

    void count(String counter) {
        counters.computeIfAbsent(counter, key -> new LongAdder()).increment();
    }

    void latency(String kind, long nanos) {
        latencies.computeIfAbsent(kind, key -> new Histogram()).record(nanos);
    }

    void violation(String kind, String details) {
        out.println("V " + kind + " " + details);
    }

    void error(String details) {
        out.println("E " + details.replace('\n', ' '));
    }

    void line(String line) {
        out.println(line);
    }

    /** A critical section completed; the first after a freeze gives the resume latency. */
    void cycle(long now) {
        cycles.increment();
        lastCycle.set(now);
        long resumed = resumedAt.get();
        if (resumed != 0 && resumedAt.compareAndSet(resumed, 0)) {
            latency("resume-to-next-cycle", now - resumed);
        }
    }

    /** The status thread woke up much later than it asked to: this process was stopped until now. */
    void resumed(long now) {
        resumedAt.set(now);
    }

    void flush() {
        StringBuilder counts = new StringBuilder("C");
        new TreeMap<>(counters).forEach((name, value) -> counts.append(' ').append(name).append('=').append(value.sum()));
        latencies.forEach((kind, histogram) -> {
            String delta = histogram.drain();
            if (!delta.isEmpty()) {
                out.println("H " + kind + " " + delta);
            }
        });
        out.println(counts);
        out.println("S " + cycles.sum() + " " + lastCycle.get());
    }
}
