package dev.slocket.spring.actuate;

import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spring.autoconfigure.SlocketActuatorAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketMetricsAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;
import dev.slocket.spring.event.LockLostEvent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A lock lost while the future, {@code Mono} or {@code Flux} of its {@code @Mutexed} method is
 * pending: the caller's result fails with {@link LockLostException} once the work completes, and
 * the event and the meter still record the loss.
 */
class AsyncLostLockTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketActuatorAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class))
            .withUserConfiguration(LostLockTests.Config.class).withBean(AsyncWork.class)
            .withPropertyValues("slocket.backend=memory");

    @Test
    void aFutureWhoseLockWasLostFailsWithLockLostExceptionAfterItsWorkCompletes() {
        runner.run(context -> {
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = context.getBean(AsyncWork.class).future(work);
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
            CompletableFuture<String> result = context.getBean(AsyncWork.class).mono(work.asMono()).toFuture();
            await().atMost(BOUND).until(() -> revoke(context, "async-mono"));
            assertThat(result).as("the loss waits for the work").isNotDone();

            work.tryEmitValue("done");
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(LockLostException.class).withMessageContaining("async-mono");
            assertLossRecorded(context, "async-mono");
        });
    }

    @Test
    void aFluxWhoseLockWasLostErrorsWithLockLostExceptionAfterItsLastElement() {
        runner.run(context -> {
            Sinks.Many<String> work = Sinks.many().unicast().onBackpressureBuffer();
            List<String> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> result = context.getBean(AsyncWork.class).flux(work.asFlux())
                    .doOnNext(seen::add).then().toFuture();
            await().atMost(BOUND).until(() -> revoke(context, "async-flux"));

            work.tryEmitNext("a");
            work.tryEmitComplete();
            assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
                    .withCauseInstanceOf(LockLostException.class).withMessageContaining("async-flux");
            assertThat(seen).containsExactly("a");
            assertLossRecorded(context, "async-flux");
        });
    }

    @Test
    void aMonoThatKeepsItsLockEndsWithItsValue() {
        runner.run(context -> {
            Sinks.One<String> work = Sinks.one();
            CompletableFuture<String> result = context.getBean(AsyncWork.class).mono(work.asMono()).toFuture();
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
}
