package dev.slocket.benchmarks.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything a run learns: the workers' counters (the latest cumulative line of each worker, dead
 * ones included), latency histograms, the faults staged, violations and errors with the first
 * few of their details.
 */
final class Tally {

    private static final int SAMPLES = 20;

    private final Map<Long, Map<String, Long>> counters = new ConcurrentHashMap<>();

    private final Map<String, Histogram> latencies = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> faults = new ConcurrentHashMap<>();

    private final Map<String, LongAdder> violations = new ConcurrentHashMap<>();

    private final List<String> violationSamples = new ArrayList<>();

    private final List<String> errors = new ArrayList<>();

    private final LongAdder errorCount = new LongAdder();

    /** Takes one line of worker {@code pid} (see {@link WorkerStats}). */
    void accept(long pid, String line) {
        String[] fields = line.split(" ");
        switch (fields[0]) {
            case "C" -> {
                Map<String, Long> latest = new TreeMap<>();
                for (int i = 1; i < fields.length; i++) {
                    int equals = fields[i].indexOf('=');
                    latest.put(fields[i].substring(0, equals), Long.parseLong(fields[i].substring(equals + 1)));
                }
                counters.put(pid, latest);
            }
            case "H" -> histogram(fields[1]).add(fields, 2);
            case "V" -> violation(fields[1], line.substring(line.indexOf(' ', 2) + 1));
            case "E" -> error("pid " + pid + ": " + line.substring(2));
            default -> error("pid " + pid + " printed: " + line);
        }
    }

    private Histogram histogram(String kind) {
        return latencies.computeIfAbsent(kind, key -> new Histogram());
    }

    void latency(String kind, long nanos) {
        histogram(kind).record(nanos);
    }

    void fault(String kind) {
        faults.computeIfAbsent(kind, key -> new LongAdder()).increment();
    }

    void violation(String kind, String details) {
        violations.computeIfAbsent(kind, key -> new LongAdder()).increment();
        synchronized (violationSamples) {
            if (violationSamples.size() < SAMPLES) {
                violationSamples.add(kind + ": " + details);
            }
        }
    }

    void error(String details) {
        errorCount.increment();
        synchronized (errors) {
            if (errors.size() < SAMPLES) {
                errors.add(details);
            }
        }
    }

    long errorCount() {
        return errorCount.sum();
    }

    /** @return every counter summed over all workers that ever ran */
    Map<String, Long> counters() {
        Map<String, Long> totals = new TreeMap<>();
        counters.values().forEach(latest -> latest.forEach((name, value) -> totals.merge(name, value, Long::sum)));
        return totals;
    }

    Map<String, Histogram> latencies() {
        return new TreeMap<>(latencies);
    }

    Map<String, Long> faults() {
        return sums(faults);
    }

    Map<String, Long> violations() {
        return sums(violations);
    }

    List<String> violationSamples() {
        synchronized (violationSamples) {
            return List.copyOf(violationSamples);
        }
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        Map<String, Long> sums = new TreeMap<>();
        adders.forEach((name, adder) -> sums.put(name, adder.sum()));
        return sums;
    }
}
