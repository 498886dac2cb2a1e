package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.SlocketException;
import dev.slocket.annotation.Mutexed;
import dev.slocket.annotation.Mutexed.OnTimeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A {@code CompletionStage} method whose lock is busy does not make its caller wait: the call
 * returns its future at once and waits as a queued continuation; the method runs on the library's
 * continuation pool when the lock is granted.
 */
class MutexedQueuedFutureTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void theMethodRunsOnTheCallersThreadWhenTheLockIsFreeElseOnAContinuationThread() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            queued.token().get(10, TimeUnit.SECONDS);
            assertThat(queued.lastThread()).isEqualTo(Thread.currentThread().getName());

            HeldLock other = Runners.holdElsewhere(registry, "queued");
            CompletableFuture<Long> token = returnsAtOnce(queued::token);
            assertThat(token).isNotDone();
            other.release();
            assertThat(token.get(10, TimeUnit.SECONDS)).isGreaterThan(other.fencingToken());
            assertThat(queued.lastThread()).startsWith("slocket-turn-");
            assertThat(Runners.isFree(registry, "queued")).isTrue();
        });
    }

    @Test
    void tenThousandQueuedCallsTakeNoThreadEachAndRunInArrivalOrder() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "queued");
            int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            List<CompletableFuture<Long>> tokens = returnsAtOnce(() -> {
                List<CompletableFuture<Long>> calls = new ArrayList<>();
                for (int i = 0; i < 10_000; i++) {
                    calls.add(queued.token());
                }
                return calls;
            });
            assertThat(registry.locks()).singleElement().satisfies(info -> assertThat(info.localWaiters())
                    .isEqualTo(10_000));
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore)
                    .as("threads added by 10,000 queued calls").isLessThanOrEqualTo(32);
            assertThat(queued.invocations()).isZero();

            other.release();
            long previous = other.fencingToken();
            for (CompletableFuture<Long> token : tokens) {
                long next = token.get(60, TimeUnit.SECONDS);
                assertThat(next).as("calls hold the lock in the order they were made").isGreaterThan(previous);
                previous = next;
            }
            assertThat(queued.invocations()).isEqualTo(10_000);
            assertThat(Runners.isFree(registry, "queued")).isTrue();
        });
    }

    @Test
    void cancellingAQueuedCallWithdrawsItAndItsMethodNeverRuns() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "queued");
            CompletableFuture<Long> call = returnsAtOnce(queued::token);
            assertThat(call.cancel(true)).isTrue();
            await().atMost(BOUND).until(() -> registry.locks().stream().allMatch(info -> info.localWaiters() == 0));
            other.release();
            assertThat(Runners.isFree(registry, "queued")).as("nothing held").isTrue();
            assertThat(queued.invocations()).isZero();
        });
    }

    @Test
    void aQueuedCallThatTimesOutFailsOrIsSkippedWithoutRunningAndHoldsNothing() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "queued");
            CompletableFuture<Long> impatient = returnsAtOnce(queued::impatient);
            CompletableFuture<Long> skipping = returnsAtOnce(queued::skipping);
            assertThatExceptionOfType(ExecutionException.class)
                    .isThrownBy(() -> impatient.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(LockTimeoutException.class).withMessageContaining("queued");
            assertThat(skipping.get(10, TimeUnit.SECONDS)).as("a skipped call completes with null").isNull();
            assertThat(registry.locks()).singleElement().satisfies(info -> assertThat(info.localWaiters()).isZero());
            other.release();
            assertThat(Runners.isFree(registry, "queued")).as("nothing held").isTrue();
            assertThat(queued.invocations()).isZero();
        });
    }

    @Test
    void closingTheContextWithdrawsAQueuedCall() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            HeldLock other = Runners.holdElsewhere(context.getBean(LockRegistry.class), "queued");
            CompletableFuture<Long> call = returnsAtOnce(queued::token);
            Thread closing = new Thread(context::close, "closing");
            closing.start();
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(SlocketException.class).withMessageContaining("closing");
            other.release();
            closing.join(BOUND.toMillis());
            assertThat(closing.isAlive()).isFalse();
            assertThat(queued.invocations()).isZero();
        });
    }

    @Test
    void aDeclaredTypeThatNeedsTheMethodsOwnFutureWaitsOnTheCallersThreadAndAnInterruptWithdrawsIt() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "queued");
            CompletableFuture<Throwable> failure = new CompletableFuture<>();
            Thread caller = new Thread(() -> {
                try {
                    queued.ownType();
                    failure.complete(null);
                }
                catch (Throwable ex) {
                    failure.complete(ex);
                }
            });
            caller.start();
            await().atMost(BOUND).until(() -> caller.getState() == Thread.State.WAITING);
            caller.interrupt();
            assertThat(failure.get(10, TimeUnit.SECONDS)).isInstanceOf(LockInterruptedException.class);
            other.release();
            assertThat(Runners.isFree(registry, "queued")).isTrue();
            assertThat(queued.invocations()).isZero();
        });
    }

    @Test
    void anAsyncMethodRunsOnItsExecutorEvenAfterWaiting() {
        runner.run(context -> {
            Queued queued = context.getBean(Queued.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock other = Runners.holdElsewhere(registry, "queued");
            CompletableFuture<Long> call = queued.onExecutor();
            await().atMost(BOUND).until(() -> registry.locks().stream().anyMatch(info -> info.localWaiters() == 1));
            other.release();
            assertThat(call.get(10, TimeUnit.SECONDS)).isGreaterThan(other.fencingToken());
            assertThat(queued.lastThread()).startsWith("async-");
        });
    }

    /**
     * Makes the call on a thread of its own and fails unless it returns within the bound, so that
     * a call that waits for the lock on the calling thread fails the test instead of hanging it.
     */
    private static <T> T returnsAtOnce(Callable<T> call) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                result.complete(call.call());
            }
            catch (Throwable ex) {
                result.completeExceptionally(ex);
            }
        }, "caller");
        caller.setDaemon(true);
        caller.start();
        try {
            return result.get(5, TimeUnit.SECONDS);
        }
        catch (TimeoutException ex) {
            throw new AssertionError("the call waited for the lock on the calling thread", ex);
        }
    }

    /** A future type of its own: only the method's result can make a dependent of it. */
    public static final class OwnFuture<T> extends CompletableFuture<T> {

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new OwnFuture<>();
        }
    }

    public static class Queued {

        private final AtomicInteger invocations = new AtomicInteger();

        private final AtomicReference<String> lastThread = new AtomicReference<>();

        public int invocations() {
            return invocations.get();
        }

        public String lastThread() {
            return lastThread.get();
        }

        @Mutexed("queued")
        public CompletableFuture<Long> token() {
            return CompletableFuture.completedFuture(ran());
        }

        @Mutexed(value = "queued", waitFor = "100ms")
        public CompletableFuture<Long> impatient() {
            return CompletableFuture.completedFuture(ran());
        }

        @Mutexed(value = "queued", waitFor = "100ms", onTimeout = OnTimeout.SKIP)
        public CompletableFuture<Long> skipping() {
            return CompletableFuture.completedFuture(ran());
        }

        @Mutexed("queued")
        public OwnFuture<Long> ownType() {
            OwnFuture<Long> result = new OwnFuture<>();
            result.complete(ran());
            return result;
        }

        @Async
        @Mutexed("queued")
        public CompletableFuture<Long> onExecutor() {
            return CompletableFuture.completedFuture(ran());
        }

        private long ran() {
            invocations.incrementAndGet();
            lastThread.set(Thread.currentThread().getName());
            return LockContext.current().fencingToken();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class Beans {

        @Bean
        Queued queued() {
            return new Queued();
        }

        @Bean
        SimpleAsyncTaskExecutor taskExecutor() {
            return new SimpleAsyncTaskExecutor("async-");
        }
    }
}
