package dev.slocket.benchmarks.chaos;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The outcome of one chaos run: what was staged, what the workers did, and every guarantee with
 * how often it was checked and broken.
 *
 * @param config the run
 * @param elapsedNanos how long faults were staged
 * @param cycles critical sections completed
 * @param workers worker processes started, replacements included
 * @param counters the workers' counters summed
 * @param latencies latency summaries by kind
 * @param faults faults staged by kind
 * @param violations broken guarantees by kind
 * @param violationSamples the first few violations in detail
 * @param errorCount unexpected errors (a worker thread or the fault loop failed)
 * @param errors the first few of them
 * @param runDirectory the run's markers and logs, kept when the run failed; otherwise {@code null}
 */
public record ChaosReport(ChaosConfig config, long elapsedNanos, long cycles, long workers, Map<String, Long> counters,
        Map<String, String> latencies, Map<String, Long> faults, Map<String, Long> violations,
        List<String> violationSamples, long errorCount, List<String> errors, Path runDirectory) {

    static ChaosReport of(ChaosConfig config, long elapsedNanos, long cycles, long workers, Tally tally,
            Path runDirectory) {
        Map<String, String> latencies = new TreeMap<>();
        tally.latencies().forEach((kind, histogram) -> latencies.put(kind, histogram.summary()));
        return new ChaosReport(config, elapsedNanos, cycles, workers, tally.counters(), latencies, tally.faults(),
                tally.violations(), tally.violationSamples(), tally.errorCount(), tally.errors(), runDirectory);
    }

    /** @return whether no guarantee was broken and nothing failed unexpectedly */
    public boolean passed() {
        return violations.isEmpty() && errorCount == 0;
    }

    /** @return how often guarantees of this kind were broken (e.g. {@code double-holder}) */
    public long violations(String kind) {
        return violations.getOrDefault(kind, 0L);
    }

    private long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    private long violationsStartingWith(String prefix) {
        return violations.entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** @return the report as printed */
    public String format() {
        StringBuilder text = new StringBuilder();
        double seconds = elapsedNanos / 1e9;
        line(text, "Chaos run %s", config);
        line(text, "  ran %.1f s: %d critical sections (%.0f/s), %d handoffs to another process", seconds, cycles,
                cycles / seconds, counter("handoffs"));
        line(text, "  faults staged: %s", faults.isEmpty() ? "none" : join(faults));
        line(text, "  guarantees (checked / broken):");
        line(text, "    no double holder: %d entries / %d (double-holder %d, after SIGTERM %d, over a briefly frozen"
                + " holder %d)", counter("entries"), violationsStartingWith("double-holder"), violations("double-holder"),
                violations("double-holder-after-sigterm"), violations("double-holder-frozen"));
        line(text, "      not violations: entries after a killed holder %d, after a SIGTERMed holder that exited %d,"
                + " after an exited holder %d, after a holder told of its loss %d, over a holder frozen past the"
                + " takeover floor %d", counter("entries-after-killed-holder"), counter("entries-after-terminated-holder"),
                counter("entries-after-exited-holder"), counter("entries-after-reported-loss"),
                counter("takeovers-from-frozen-holder"));
        line(text, "    fencing tokens strictly increasing per name in order of entry: %d entries / %d",
                counter("entries"), violations("token-order"));
        line(text, "    every running process progresses within %d s: %d processes / %d",
                config.progressWindow().toSeconds(), workers, violations("stuck"));
        line(text, "    a lost lock is reported (onLost) by the time its holder next asks isHeld(): %d losses seen by"
                + " their holders, %d entries refused after a loss / %d isHeld() true after a takeover, %d isHeld()"
                + " true while another entered (no freeze), %d isHeld() false without onLost",
                counter("losses-seen-inside") + counter("losses-seen-after-takeover"),
                counter("entries-refused-after-loss"), violations("held-after-takeover"),
                violations("double-holder-seen-by-holder"), violations("lost-without-onLost"));
        line(text, "  other counts: %s", counters.entrySet().stream()
                .filter(entry -> !entry.getKey().startsWith("entries") && !entry.getKey().equals("handoffs")
                        && !entry.getKey().startsWith("takeovers") && !entry.getKey().startsWith("losses"))
                .map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining(", ")));
        line(text, "  latencies (count, p50, p99, max; buckets of 19 %%):");
        latencies.forEach((kind, summary) -> line(text, "    %-38s %s", kind, summary));
        if (!violationSamples.isEmpty()) {
            line(text, "  violations (first %d):", violationSamples.size());
            violationSamples.forEach(sample -> line(text, "    %s", sample));
        }
        if (errorCount > 0) {
            line(text, "  errors: %d (first %d):", errorCount, errors.size());
            errors.forEach(error -> line(text, "    %s", error));
        }
        line(text, "  RESULT: %s%s", passed() ? "PASS" : "FAIL " + join(violations),
                runDirectory == null ? "" : " (markers and logs kept in " + runDirectory + ")");
        return text.toString();
    }

    private static String join(Map<String, Long> counts) {
        return counts.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private static void line(StringBuilder text, String format, Object... args) {
        text.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
