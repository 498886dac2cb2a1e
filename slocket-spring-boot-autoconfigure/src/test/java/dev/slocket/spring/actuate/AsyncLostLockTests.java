package dev.slocket.spring.actuate;

import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spring.autoconfigure.SlocketActuatorAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketMetricsAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;
import dev.slocket.spring.event.LockLostEvent;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A lock lost while the future or {@code Mono} of its {@code @Mutexed} method is pending: the
 * caller's result fails with {@link LockLostException} once the work completes, and the event
 * and the meter still record the loss.
 */
class AsyncLostLockTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketActuatorAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class))
            .withUserConfiguration(LostLockTests.Config.class, AsyncConfig.class)
            .withPropertyValues("slocket.backend=memory");

    @Test
    void aFutureWhoseLockWasLostFailsWithLockLostExceptionAfterItsWorkCompletes() {
        runner.run(context -> {
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = context.getBean(AsyncJob.class).future(work);
            assertThat(revoke(context, "async-future")).isTrue();
            assertThat(result).as("the loss waits for the work").isNotDone();

            work.complete("done");
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(LockLostException.class)
                    .withMessageContaining("async-future").withMessageContaining("revoked by the test");
            assertLossRecorded(context, "async-future");
        });
    }

    @Test
    void aMonoWhoseLockWasLostErrorsWithLockLostExceptionAfterItsWorkCompletes() {
        runner.run(context -> {
            Sinks.One<String> work = Sinks.one();
            CompletableFuture<String> result = context.getBean(AsyncJob.class).mono(work.asMono()).toFuture();
            await().atMost(BOUND).until(() -> revoke(context, "async-mono"));
            assertThat(result).as("the loss waits for the work").isNotDone();

            work.tryEmitValue("done");
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(LockLostException.class).withMessageContaining("async-mono");
            assertLossRecorded(context, "async-mono");
        });
    }

    @Test
    void aMonoThatKeepsItsLockEndsWithItsValue() {
        runner.run(context -> {
            Sinks.One<String> work = Sinks.one();
            CompletableFuture<String> result = context.getBean(AsyncJob.class).mono(work.asMono()).toFuture();
            work.tryEmitValue("done");
            assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("done");
            assertThat(context.getBean(LostLockTests.Config.class).events).isEmpty();
        });
    }

    private static boolean revoke(AssertableApplicationContext context, String name) {
        LockRegistry registry = context.getBean(LockRegistry.class);
        return ((MemoryLockBackend) ((LocalLockRegistry) registry).backend()).revoke(name, "revoked by the test");
    }

    private static void assertLossRecorded(AssertableApplicationContext context, String name) {
        assertThat(context.getBean(LostLockTests.Config.class).events).singleElement()
                .extracting(LockLostEvent::getLoss).satisfies(loss -> assertThat(loss.name()).isEqualTo(name));
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        assertThat(meters.get("slocket.lock.lost").tag("lock", name).counter().count()).isEqualTo(1.0);
        assertThat(meters.get("slocket.lock.hold").tag("lock", name).tag("outcome", "lost").timer().count())
                .isEqualTo(1);
    }

    /** Returns whatever work the test hands it, so the test decides when the work completes. */
    public static class AsyncJob {

        @Mutexed("async-future")
        public CompletableFuture<String> future(CompletableFuture<String> work) {
            return work;
        }

        @Mutexed("async-mono")
        public Mono<String> mono(Mono<String> work) {
            return work;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AsyncConfig {

        @Bean
        AsyncJob asyncJob() {
            return new AsyncJob();
        }
    }
}
