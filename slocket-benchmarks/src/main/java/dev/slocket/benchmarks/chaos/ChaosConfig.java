package dev.slocket.benchmarks.chaos;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One chaos run: {@code processes} worker JVMs of {@code threads} threads each over
 * {@code names} lock names, while faults are staged every {@code faultEveryMin..faultEveryMax}.
 * The run lasts {@code duration}; with {@code minCycles > 0} it goes on until that many critical
 * sections completed (at most {@code maxDuration}).
 *
 * @param backend the backend
 * @param processes worker processes kept running (a killed one is replaced)
 * @param threads threads per worker
 * @param names lock names
 * @param duration how long faults are staged
 * @param minCycles completed critical sections to reach before stopping, or 0
 * @param maxDuration the longest a run with {@code minCycles} may take
 * @param faultEveryMin shortest pause between two faults
 * @param faultEveryMax longest pause between two faults
 * @param holdMax each hold lasts a random time up to this
 * @param progressWindow every worker that is not stopped must complete a critical section within any window this long
 * @param seed seeds the choice of faults and victims
 */
record ChaosConfig(ChaosBackend backend, int processes, int threads, int names, Duration duration, long minCycles,
        Duration maxDuration, Duration faultEveryMin, Duration faultEveryMax, Duration holdMax, Duration progressWindow,
        long seed) {

    ChaosConfig {
        if (processes < 2 || threads < 1 || names < 1) {
            throw new IllegalArgumentException("need processes >= 2, threads >= 1, names >= 1");
        }
        if (faultEveryMax.compareTo(faultEveryMin) < 0) {
            throw new IllegalArgumentException("faultEveryMax must not be below faultEveryMin");
        }
    }

    /** @return the defaults for {@code backend}: 4 processes x 2 threads over 4 names for 30 s */
    static ChaosConfig defaults(ChaosBackend backend) {
        return new ChaosConfig(backend, 4, 2, 4, Duration.ofSeconds(30), 0, Duration.ofMinutes(30),
                Duration.ofMillis(300), Duration.ofMillis(1000), Duration.ofMillis(1), Duration.ofSeconds(10),
                System.nanoTime());
    }

    /**
     * @param backend the backend
     * @param settings {@code key=value} overrides: processes, threads, names, seconds, cycles,
     *        maxMinutes, faultMinMillis, faultMaxMillis, holdMaxMicros, windowSeconds, seed
     * @return the defaults with the overrides applied
     */
    static ChaosConfig parse(ChaosBackend backend, String... settings) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals < 0) {
                throw new IllegalArgumentException("expected key=value, got '" + setting + "'");
            }
            values.put(setting.substring(0, equals), Long.parseLong(setting.substring(equals + 1)));
        }
        ChaosConfig base = defaults(backend);
        ChaosConfig config = new ChaosConfig(backend, values.getOrDefault("processes", 4L).intValue(),
                values.getOrDefault("threads", 2L).intValue(), values.getOrDefault("names", 4L).intValue(),
                Duration.ofSeconds(values.getOrDefault("seconds", base.duration.toSeconds())),
                values.getOrDefault("cycles", 0L), Duration.ofMinutes(values.getOrDefault("maxMinutes", 30L)),
                Duration.ofMillis(values.getOrDefault("faultMinMillis", base.faultEveryMin.toMillis())),
                Duration.ofMillis(values.getOrDefault("faultMaxMillis", base.faultEveryMax.toMillis())),
                Duration.ofNanos(values.getOrDefault("holdMaxMicros", base.holdMax.toNanos() / 1000) * 1000),
                Duration.ofSeconds(values.getOrDefault("windowSeconds", base.progressWindow.toSeconds())),
                values.getOrDefault("seed", base.seed));
        values.keySet().removeAll(List.of("processes", "threads", "names", "seconds", "cycles", "maxMinutes",
                "faultMinMillis", "faultMaxMillis", "holdMaxMicros", "windowSeconds", "seed"));
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown settings " + values.keySet());
        }
        return config;
    }

    @Override
    public String toString() {
        return backend.id() + ": " + processes + " processes x " + threads + " threads over " + names + " names, "
                + (minCycles > 0 ? "until " + minCycles + " cycles (at least " + duration.toSeconds() + " s)"
                        : duration.toSeconds() + " s")
                + ", a fault every " + faultEveryMin.toMillis() + "-" + faultEveryMax.toMillis() + " ms, holds up to "
                + holdMax.toNanos() / 1000 + " µs, seed " + seed;
    }
}
