package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;
import dev.slocket.testing.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code holdAtLeast} keeps the lock after the method returned, with no thread waiting for it. */
class MutexedHoldAtLeastTests {

    private static final Duration BOUND = Duration.ofSeconds(60);

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void theLockStaysHeldUntilHoldAtLeastAfterItsAcquisition() {
        runner.run(context -> {
            Job job = context.getBean(Job.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            Instant acquired = job.quick();
            Instant returned = Instant.now();
            assertThat(returned).as("the call does not wait for the deferred part")
                    .isBefore(acquired.plusSeconds(1));
            assertThat(Runners.isFree(registry, "quick")).isFalse();
            HeldLock next = registry.acquireAsync("quick", BOUND).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(next.acquiredAt()).isAfterOrEqualTo(acquired.plusSeconds(1));
            next.release();
        });
    }

    @Test
    void aFutureHoldsAtLeastAsLongToo() {
        runner.run(context -> {
            Job job = context.getBean(Job.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            Instant acquired = job.quickFuture().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            HeldLock next = registry.acquireAsync("quick", BOUND).get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(next.acquiredAt()).isAfterOrEqualTo(acquired.plusSeconds(1));
            next.release();
        });
    }

    @Test
    void aScheduledJobInTwoProcessesRunsOncePerPeriod(@TempDir Path work) throws Exception {
        Path locks = Files.createDirectory(work.resolve("locks"));
        Path runs = work.resolve("runs.txt");
        List<Long> starts;
        try (ChildJvm first = ChildJvm.start(work, ScheduledJobChild.class, locks.toString(), runs.toString(), "1s");
                ChildJvm second = ChildJvm.start(work, ScheduledJobChild.class, locks.toString(), runs.toString(),
                        "1s")) {
            first.awaitLine("started", BOUND);
            second.awaitLine("started", BOUND);
            long bothRunning = System.currentTimeMillis();
            await().atMost(BOUND).until(() -> starts(runs).stream().filter(start -> start > bothRunning).count() >= 4);
            // read while both run: stopping a holder frees its lock at once, and the other may run right away
            starts = starts(runs);
        }
        for (int i = 1; i < starts.size(); i++) {
            assertThat(starts.get(i) - starts.get(i - 1)).as("time between runs %d and %d of %s", i - 1, i, starts)
                    .isGreaterThanOrEqualTo(1000);
        }
    }

    /** @return the acquisition times of the runs recorded so far, in order; a line still being appended is left out */
    private static List<Long> starts(Path runs) throws Exception {
        if (!Files.exists(runs)) {
            return List.of();
        }
        String written = Files.readString(runs);
        return written.substring(0, written.lastIndexOf('\n') + 1).lines()
                .map(line -> Long.parseLong(line.split(" ")[1])).sorted().toList();
    }

    public static class Job {

        @Mutexed(value = "quick", holdAtLeast = "1s")
        public Instant quick() {
            return LockContext.current().acquiredAt();
        }

        @Mutexed(value = "quick", holdAtLeast = "1s")
        public CompletableFuture<Instant> quickFuture() {
            return CompletableFuture.completedFuture(LockContext.current().acquiredAt());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Job job() {
            return new Job();
        }
    }
}
