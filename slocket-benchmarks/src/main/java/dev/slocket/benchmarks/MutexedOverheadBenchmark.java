package dev.slocket.benchmarks;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What {@code @Mutexed} adds to a direct {@link LockRegistry} call (docs/benchmarks.md, "@Mutexed
 * overhead"): uncontended calls of a {@code @Mutexed} bean method on the memory backend, sample by
 * sample alternately (ABBA) with the same body wrapped in {@code acquire}/{@code release} on the
 * context's registry, after a warm-up, so load on the shared machine hits both alike. Three
 * declarations: a literal name, a name with a SpEL expression over an argument, and a literal
 * name on a method that returns a completed future (the lock is free, so it runs on the caller's
 * thread). Only Slocket's auto-configuration runs (no metrics, no observations). System
 * properties {@code samples} and {@code warmUp} (default 200,000 each) change the run's length.
 *
 * <p>Run: see docs/benchmarks.md.
 */
public final class MutexedOverheadBenchmark {

    private static final int WARM_UP = Integer.getInteger("warmUp", 200_000);

    private static final int SAMPLES = Integer.getInteger("samples", 200_000);

    private MutexedOverheadBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Beans.class)
                .web(WebApplicationType.NONE).logStartupInfo(false).properties("slocket.backend=memory",
                        "spring.main.banner-mode=off").run()) {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            System.out.println("| declaration | @Mutexed p50 / p90 / p99 (µs) | direct p50 / p90 / p99 (µs) | overhead p50 / p99 (µs) | samples |");
            System.out.println("|---|---|---|---|---|");
            compare("literal name `\"overhead\"`", work::literal, () -> direct(registry, work, "overhead"));
            compare("SpEL name `\"overhead-#{#id}\"`", () -> work.spel("a"),
                    () -> direct(registry, work, "overhead-a"));
            compare("literal name, returns a completed `CompletableFuture`", () -> work.future().join(),
                    () -> direct(registry, work, "overhead"));
        }
    }

    private static long direct(LockRegistry registry, Work work, String name) {
        HeldLock lock = registry.acquire(name);
        try {
            return work.body();
        }
        finally {
            lock.release();
        }
    }

    private static void compare(String declaration, LongSupplier mutexed, LongSupplier direct) {
        long[] advised = new long[SAMPLES];
        long[] plain = new long[SAMPLES];
        long sink = 0;
        for (int i = 0; i < WARM_UP; i++) {
            sink += mutexed.getAsLong() + direct.getAsLong();
        }
        for (int i = 0; i < SAMPLES; i++) {
            boolean advisedFirst = (i & 1) == 0;
            long start;
            if (advisedFirst) {
                start = System.nanoTime();
                sink += mutexed.getAsLong();
                advised[i] = System.nanoTime() - start;
            }
            start = System.nanoTime();
            sink += direct.getAsLong();
            plain[i] = System.nanoTime() - start;
            if (!advisedFirst) {
                start = System.nanoTime();
                sink += mutexed.getAsLong();
                advised[i] = System.nanoTime() - start;
            }
        }
        Stats a = Stats.of(advised);
        Stats d = Stats.of(plain);
        System.out.printf("| %s | %s | %s | %.2f / %.2f | %d |%n", declaration, a.micros(), d.micros(),
                (a.p50() - d.p50()) / 1e3, (a.p99() - d.p99()) / 1e3, SAMPLES);
        if (sink == 42) {
            System.out.println();
        }
    }

    /** The advised bean: its body is what the direct call wraps too. */
    public static class Work {

        private long counter;

        long body() {
            return ++counter;
        }

        @Mutexed("overhead")
        public long literal() {
            return body();
        }

        @Mutexed("overhead")
        public CompletableFuture<Long> future() {
            return CompletableFuture.completedFuture(body());
        }

        @Mutexed("overhead-#{#id}")
        public long spel(String id) {
            return body();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(SlocketAutoConfiguration.class)
    static class Beans {

        @Bean
        Work work() {
            return new Work();
        }
    }
}
