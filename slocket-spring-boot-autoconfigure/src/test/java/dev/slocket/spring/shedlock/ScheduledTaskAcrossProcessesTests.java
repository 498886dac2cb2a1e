package dev.slocket.spring.shedlock;

import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two JVMs run {@code @Scheduled(fixedRate = 500) @SchedulerLock(name = "tick", lockAtLeastFor =
 * "400ms")} side by side for 6 s: the task runs about once per period in all, never twice at once.
 */
class ScheduledTaskAcrossProcessesTests {

    private static final Duration START = Duration.ofSeconds(60);

    private static final long WINDOW_MS = 6_000;

    private static final long PERIOD_MS = 500;

    record Run(long pid, long start, long end) {

        static Run parse(String line) {
            String[] parts = line.split(" ");
            return new Run(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Long.parseLong(parts[3]));
        }
    }

    @Test
    void theTaskRunsAboutOncePerPeriodAcrossBothProcessesAndNeverOverlaps(@TempDir Path temp) throws Exception {
        Path locks = Files.createDirectory(temp.resolve("locks"));
        List<Run> runs;
        long windowStart;
        try (ChildJvm a = ChildJvm.start(temp, TickApplication.class, locks.toString());
                ChildJvm b = ChildJvm.start(temp, TickApplication.class, locks.toString())) {
            a.awaitLine("READY", START);
            b.awaitLine("READY", START);
            windowStart = System.currentTimeMillis();
            Thread.sleep(WINDOW_MS); // the scenario: both processes schedule the task for 6 s
            runs = Stream.of(a, b).flatMap(child -> child.lines().stream()).filter(line -> line.startsWith("RUN "))
                    .map(Run::parse).sorted(Comparator.comparingLong(Run::start)).toList();
        }
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i).start()).as("run %d starts after run %d ended: %s", i, i - 1, runs)
                    .isGreaterThanOrEqualTo(runs.get(i - 1).end());
        }
        long inWindow = runs.stream()
                .filter(run -> run.start() >= windowStart && run.start() < windowStart + WINDOW_MS).count();
        long periods = WINDOW_MS / PERIOD_MS;
        // once per process and period would be 2 x 12 = 24
        assertThat(inWindow).as("runs in %d ms: %s", WINDOW_MS, runs).isBetween(periods - 4, periods + 4);
    }
}
