package dev.slocket.spring.actuate;

import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Closing the context waits for futures and subscriptions that still hold their lock, bounded by
 * the shutdown phase timeout, before the registry closes.
 */
class AsyncGracefulShutdownTests {

    private static final Duration BOUND = Duration.ofSeconds(20);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, LifecycleAutoConfiguration.class,
                    SlocketAutoConfiguration.class, SlocketOperationsAutoConfiguration.class))
            .withBean(AsyncWork.class).withPropertyValues("slocket.backend=memory");

    @Test
    void closingWaitsForAPendingFutureThatHoldsItsLock() {
        runner.run(context -> {
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = context.getBean(AsyncWork.class).future(work);
            LockRegistry registry = context.getBean(LockRegistry.class);
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);

            await().during(Duration.ofMillis(500)).atMost(BOUND)
                    .until(() -> !closing.isDone() && holdsALock(registry));

            work.complete("done");
            closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(result.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("done");
        });
    }

    @Test
    void closingWaitsForAFluxThatHoldsItsLockNoLongerThanTheShutdownTimeout() {
        runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=1500ms").run(context -> {
            Sinks.Many<String> never = Sinks.many().unicast().onBackpressureBuffer();
            Disposable subscription = context.getBean(AsyncWork.class).flux(never.asFlux()).subscribe();
            LockRegistry registry = context.getBean(LockRegistry.class);
            await().atMost(BOUND).until(() -> holdsALock(registry));

            long start = System.nanoTime();
            CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
            closing.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited for the hold, up to the timeout")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1400));
            subscription.dispose();
        });
    }

    private static boolean holdsALock(LockRegistry registry) {
        return registry.locks().stream().anyMatch(info -> info.state() == LockInfo.State.HELD);
    }
}
