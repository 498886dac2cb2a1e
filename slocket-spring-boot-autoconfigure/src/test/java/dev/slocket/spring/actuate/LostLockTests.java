package dev.slocket.spring.actuate;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.annotation.Mutexed;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.memory.MemoryLockBackend;
import dev.slocket.spring.autoconfigure.SlocketActuatorAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketMetricsAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;
import dev.slocket.spring.event.LockLostEvent;
import dev.slocket.spring.metrics.LockObservations;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A lock lost while its {@code @Mutexed} method runs (injected with the memory backend's
 * {@code revoke}): the event, the meters, the health details and the exception after the method
 * returned; with {@code slocket.lost-lock.interrupt=true} also the interrupt.
 */
class LostLockTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketActuatorAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class))
            .withUserConfiguration(Config.class).withPropertyValues("slocket.backend=memory");

    @Test
    void aLostLockPublishesAnEventCountsItAndEndsTheCallWithLockLostException() {
        runner.run(context -> {
            Job job = context.getBean(Job.class);
            assertThatExceptionOfType(LockLostException.class).isThrownBy(() -> job.run("7"))
                    .withMessageContaining("job-7").withMessageContaining("revoked by the test");
            assertThat(job.ranToTheEnd()).isTrue();
            assertThat(job.interruptedAfterLoss()).isFalse();

            List<LockLostEvent> events = context.getBean(Config.class).events;
            assertThat(events).singleElement().satisfies(event -> {
                assertThat(event.getLoss().name()).isEqualTo("job-7");
                assertThat(event.getLoss().backend()).isEqualTo("memory");
            });
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("slocket.lock.lost").tag("lock", "job-#{#id}").tag("backend", "memory").counter()
                    .count()).isEqualTo(1.0);
            assertThat(meters.get("slocket.lock.hold").tag("lock", "job-#{#id}").tag("outcome", "lost").timer()
                    .count()).isEqualTo(1);
            assertThat(context.getBean("slocketHealthIndicator", HealthIndicator.class).health().getDetails())
                    .containsEntry("lostLocks", 1L).containsEntry("held", 0);
        });
    }

    @Test
    void interruptOnLossInterruptsTheMethodAsSoonAsTheLossIsDetected() {
        runner.withPropertyValues("slocket.lost-lock.interrupt=true").run(context -> {
            Job job = context.getBean(Job.class);
            assertThatExceptionOfType(LockLostException.class).isThrownBy(() -> job.run("8"));
            assertThat(job.interruptedAfterLoss()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is cleared when the call ends").isFalse();
        });
    }

    @Test
    void waitsAreObservedWithTheTemplateAndTheirOutcome() {
        runner.run(context -> {
            context.getBean(Job.class).quick("9");
            List<Observation.Context> observed = context.getBean(Config.class).observations;
            assertThat(observed).singleElement().satisfies(observation -> {
                assertThat(observation.getName()).isEqualTo(LockObservations.NAME);
                assertThat(observation.getContextualName()).isEqualTo("lock quick-#{#id}");
                assertThat(observation.getLowCardinalityKeyValue("lock").getValue()).isEqualTo("quick-#{#id}");
                assertThat(observation.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("acquired");
                assertThat(observation.getHighCardinalityKeyValue("lock.name").getValue()).isEqualTo("quick-9");
            });
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("slocket.lock.wait").tag("lock", "quick-#{#id}").tag("outcome", "acquired")
                    .timer().count()).isEqualTo(1);
        });
    }

    @Test
    void timeoutsAreCountedAndTimedUnderTheTemplate() {
        runner.run(context -> {
            LockRegistry registry = context.getBean(LockRegistry.class);
            HeldLock elsewhere = registry.acquireAsync("slow-3", Duration.ZERO).get(10, TimeUnit.SECONDS);
            Job job = context.getBean(Job.class);
            assertThatExceptionOfType(LockTimeoutException.class).isThrownBy(() -> job.slow("3"));
            elsewhere.release();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("slocket.lock.timeouts").tag("lock", "slow-#{#id}").counter().count()).isEqualTo(1.0);
            assertThat(meters.get("slocket.lock.wait").tag("lock", "slow-#{#id}").tag("outcome", "timeout").timer()
                    .count()).isEqualTo(1);
        });
    }

    /** Loses its own lock half-way, like a backend that detects a loss while the method runs. */
    public static class Job {

        private final LockRegistry registry;

        private volatile boolean ranToTheEnd;

        private volatile boolean interruptedAfterLoss;

        Job(LockRegistry registry) {
            this.registry = registry;
        }

        @Mutexed("job-#{#id}")
        public void run(String id) {
            MemoryLockBackend backend = (MemoryLockBackend) ((LocalLockRegistry) registry).backend();
            backend.revoke("job-" + id, "revoked by the test");
            interruptedAfterLoss = Thread.currentThread().isInterrupted();
            ranToTheEnd = true;
        }

        /** @return whether the method went on after the loss (read through the proxy) */
        public boolean ranToTheEnd() {
            return ranToTheEnd;
        }

        /** @return whether the method saw its thread interrupted right after the loss */
        public boolean interruptedAfterLoss() {
            return interruptedAfterLoss;
        }

        @Mutexed("quick-#{#id}")
        public void quick(String id) {
        }

        @Mutexed(value = "slow-#{#id}", waitFor = "50ms")
        public void slow(String id) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Config {

        final List<LockLostEvent> events = new CopyOnWriteArrayList<>();

        final List<Observation.Context> observations = new CopyOnWriteArrayList<>();

        @Bean
        Job job(LockRegistry registry) {
            return new Job(registry);
        }

        @Bean
        ApplicationListener<LockLostEvent> lostLocks() {
            return events::add;
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        /** Records observations, and times them as meters the way Spring Boot's observation set-up does. */
        @Bean
        ObservationRegistry observationRegistry(MeterRegistry meterRegistry) {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meterRegistry));
            registry.observationConfig().observationHandler(new ObservationHandler<>() {

                @Override
                public void onStop(Observation.Context context) {
                    observations.add(context);
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }
            });
            return registry;
        }
    }
}
