package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Futures, Mono and Flux hold the lock until they complete, fail or are cancelled. */
class MutexedAsyncTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void futureHoldsUntilCompletedFailedOrCancelled() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            CompletableFuture<String> pending = new CompletableFuture<>();
            CompletableFuture<String> result = work.future(pending);
            assertThat(Runners.isFree(registry, "future")).isFalse();
            pending.complete("done");
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(Runners.isFree(registry, "future")).as("released before the caller's future completes")
                    .isTrue();

            CompletableFuture<String> failing = new CompletableFuture<>();
            CompletableFuture<String> failed = work.future(failing);
            assertThat(Runners.isFree(registry, "future")).isFalse();
            failing.completeExceptionally(new IllegalStateException("boom"));
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(IllegalStateException.class);
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "future"));

            CompletableFuture<String> own = new CompletableFuture<>();
            CompletableFuture<String> cancelled = work.future(own);
            assertThat(Runners.isFree(registry, "future")).isFalse();
            cancelled.cancel(true);
            assertThat(own.isCancelled()).as("cancelling reaches the method's own future").isTrue();
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "future"));

            CompletableFuture<String> cancelledInside = new CompletableFuture<>();
            CompletableFuture<String> seen = work.future(cancelledInside);
            cancelledInside.cancel(true);
            assertThat(seen.isCancelled()).as("the method's own cancellation reaches the caller").isTrue();
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "future"));
        });
    }

    @Test
    void aMinimalStageHoldsUntilItCompletesAndPassesItsValueOn() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            CompletableFuture<String> pending = new CompletableFuture<>();
            CompletionStage<String> result = work.stage(pending.minimalCompletionStage());
            assertThat(Runners.isFree(registry, "future")).isFalse();
            pending.complete("done");
            assertThat(result.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(Runners.isFree(registry, "future")).isTrue();
        });
    }

    @Test
    void cancellingASubscriptionThatWaitsWithdrawsItsRequest() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "reactive");
            Disposable waiting = work.mono(Duration.ZERO).subscribe();
            await().atMost(BOUND).until(() -> registry.locks().stream().anyMatch(info -> info.localWaiters() > 0));
            waiting.dispose();
            other.release();
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "reactive"));
            assertThat(work.invocations()).isZero();
        });
    }

    @Test
    void monoAcquiresPerSubscriptionNotAtAssembly() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            Mono<Long> mono = work.mono(Duration.ofMillis(150));
            assertThat(work.invocations()).isZero();
            assertThat(Runners.isFree(registry, "reactive")).isTrue();

            Mono<Long> both = Mono.zip(mono, mono, Long::sum);
            assertThat(both.block(BOUND)).isPositive();
            assertThat(work.invocations()).isEqualTo(2);
            assertThat(work.maxActive()).as("the two subscriptions ran one after the other").isEqualTo(1);
            assertThat(Runners.isFree(registry, "reactive")).isTrue();
        });
    }

    @Test
    void fluxHoldsUntilCompleteAndCancelReleases() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            Sinks.Many<String> source = Sinks.many().unicast().onBackpressureBuffer();
            Disposable subscription = work.flux(source.asFlux()).subscribe();
            await().atMost(BOUND).until(() -> !Runners.isFree(registry, "reactive"));
            subscription.dispose();
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "reactive"));

            Runners.assertHeldUntilComplete(registry, "reactive", work::flux);
        });
    }

    @Test
    void nestedCallsForTheSameNamePassThrough() {
        runner.run(context -> {
            Outer outer = context.getBean(Outer.class);
            long[] tokens = outer.run();
            assertThat(tokens[1]).isEqualTo(tokens[0]);
            assertThat(outer.runAsync().get()).isEqualTo(outer.lastToken());
            assertThat(Runners.isFree(context.getBean(LockRegistry.class), "nested")).isTrue();
        });
    }

    @Test
    void tenThousandWaitingSubscriptionsTakeNoThreadEachAndRunInArrivalOrder() {
        runner.run(context -> {
            Work work = context.getBean(Work.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "reactive");
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<CompletableFuture<Long>> tokens = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                tokens.add(work.mono(Duration.ZERO).toFuture());
            }
            await().atMost(BOUND).until(() -> registry.locks().stream().anyMatch(info -> info.localWaiters() == 10_000));
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("threads added by 10,000 waiting subscriptions").isLessThanOrEqualTo(32);
            other.release();
            long previous = other.fencingToken();
            for (CompletableFuture<Long> token : tokens) {
                long next = token.get(60, TimeUnit.SECONDS);
                assertThat(next).as("subscriptions hold the lock in the order they subscribed").isGreaterThan(previous);
                previous = next;
            }
            assertThat(work.maxActive()).isEqualTo(1);
        });
    }

    public static class Work {

        private final AtomicInteger invocations = new AtomicInteger();

        private final AtomicInteger active = new AtomicInteger();

        private final AtomicInteger maxActive = new AtomicInteger();

        public int invocations() {
            return invocations.get();
        }

        public int maxActive() {
            return maxActive.get();
        }

        @Mutexed("future")
        public CompletableFuture<String> future(CompletableFuture<String> result) {
            return result;
        }

        @Mutexed("future")
        public CompletionStage<String> stage(CompletionStage<String> result) {
            return result;
        }

        @Mutexed("reactive")
        public Mono<Long> mono(Duration busyFor) {
            invocations.incrementAndGet();
            long token = LockContext.current().fencingToken();
            return Mono.fromRunnable(() -> maxActive.accumulateAndGet(active.incrementAndGet(), Math::max))
                    .then(Mono.delay(busyFor))
                    .doOnTerminate(active::decrementAndGet)
                    .thenReturn(token);
        }

        @Mutexed("reactive")
        public Flux<String> flux(Flux<String> source) {
            return source;
        }
    }

    public static class Inner {

        @Mutexed(value = "nested", waitFor = "1s")
        public long token() {
            return LockContext.current().fencingToken();
        }
    }

    public static class Outer {

        private final Inner inner;

        private final AtomicLong lastToken = new AtomicLong();

        Outer(Inner inner) {
            this.inner = inner;
        }

        public long lastToken() {
            return lastToken.get();
        }

        @Mutexed("nested")
        public long[] run() {
            return new long[] {LockContext.current().fencingToken(), inner.token()};
        }

        @Mutexed("nested")
        public CompletableFuture<Long> runAsync() {
            lastToken.set(LockContext.current().fencingToken());
            return CompletableFuture.completedFuture(inner.token());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Work work() {
            return new Work();
        }

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Outer outer(Inner inner) {
            return new Outer(inner);
        }
    }
}
