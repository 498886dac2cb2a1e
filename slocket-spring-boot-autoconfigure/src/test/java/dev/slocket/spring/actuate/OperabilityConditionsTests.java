package dev.slocket.spring.actuate;

import dev.slocket.spring.autoconfigure.SlocketActuatorAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketMetricsAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;
import dev.slocket.spring.lifecycle.GracefulLockShutdown;
import dev.slocket.spring.metrics.LockMetrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** When the health indicator, the endpoint, the meters and the shutdown support exist. */
class OperabilityConditionsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketOperationsAutoConfiguration.class, SlocketActuatorAutoConfiguration.class,
                    SlocketMetricsAutoConfiguration.class))
            .withPropertyValues("slocket.backend=memory");

    @Test
    void healthIndicatorAndShutdownByDefaultEndpointOnlyWhenExposed() {
        runner.run(context -> assertThat(context).hasSingleBean(SlocketHealthIndicator.class)
                .hasSingleBean(GracefulLockShutdown.class).doesNotHaveBean(LocksEndpoint.class)
                .doesNotHaveBean(LockMetrics.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=locks")
                .run(context -> assertThat(context).hasSingleBean(LocksEndpoint.class));
    }

    @Test
    void healthIndicatorCanBeDisabled() {
        runner.withPropertyValues("management.health.slocket.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SlocketHealthIndicator.class));
    }

    @Test
    void noActuatorOnTheClassPathMeansNoHealthIndicatorAndNoEndpoint() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, Endpoint.class))
                .withPropertyValues("management.endpoints.web.exposure.include=locks")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SlocketHealthIndicator.class)
                        .doesNotHaveBean(LocksEndpoint.class).hasSingleBean(GracefulLockShutdown.class));
    }

    @Test
    void metersNeedMicrometerAndAMeterRegistry() {
        ApplicationContextRunner withMeters = runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
        withMeters.run(context -> assertThat(context).hasSingleBean(LockMetrics.class));
        withMeters.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LockMetrics.class));
    }

    @Test
    void nothingWithoutARegistry() {
        runner.withPropertyValues("slocket.enabled=false").withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .run(context -> assertThat(context).doesNotHaveBean(SlocketHealthIndicator.class)
                        .doesNotHaveBean(GracefulLockShutdown.class).doesNotHaveBean(LockMetrics.class));
    }
}
