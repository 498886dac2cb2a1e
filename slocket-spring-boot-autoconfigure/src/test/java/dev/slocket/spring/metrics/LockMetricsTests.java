package dev.slocket.spring.metrics;

import dev.slocket.LockRegistry;
import dev.slocket.spi.LockTemplate;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketMetricsAutoConfiguration;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Meters stay bounded for programmatic names, and each wait is timed once. */
class LockMetricsTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final int NAMES = 10_000;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class))
            .withPropertyValues("slocket.backend=memory").withBean(SimpleMeterRegistry.class);

    @Test
    void tenThousandProgrammaticNamesCreateABoundedNumberOfMeters() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            for (int i = 0; i < NAMES; i++) {
                registry.acquire("order-" + i, WAIT).release();
            }
            assertThat(meters.getMeters()).as("meters after %d names", NAMES).hasSizeLessThan(10);
            assertThat(meters.get("slocket.lock.wait").tag("lock", LockTemplate.UNDECLARED).timer().count())
                    .isEqualTo(NAMES);
        });
    }

    @Test
    void aDeclaredTemplateTagsProgrammaticNames() {
        runner.run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            for (int i = 0; i < 100; i++) {
                String name = "order-" + i;
                LockTemplate.with("order-{id}", () -> registry.acquire(name, WAIT)).release();
            }
            assertThat(meters.get("slocket.lock.hold").tag("lock", "order-{id}").timer().count()).isEqualTo(100);
            assertThat(meters.find("slocket.lock.hold").tag("lock", "order-7").timer()).isNull();
        });
    }

    @Test
    void withObservationsEachWaitIsTimedOnce() {
        runner.withUserConfiguration(MeterTimedObservations.class).run(context -> {
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            for (int i = 0; i < 50; i++) {
                registry.acquire("order-" + i, WAIT).release();
            }
            double timedWaits = meters.find("slocket.lock.wait").timers().stream().mapToLong(Timer::count).sum();
            assertThat(timedWaits).isEqualTo(50);
            assertThat(meters.find("slocket.lock.acquire").meters()).isEmpty();
            assertThat(meters.getMeters()).hasSizeLessThan(10);
        });
    }
}
