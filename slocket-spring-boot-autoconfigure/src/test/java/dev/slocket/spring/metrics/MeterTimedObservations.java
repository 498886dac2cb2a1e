package dev.slocket.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An {@link ObservationRegistry} whose observations Micrometer's meter handler turns into timers, as
 * in an application with Actuator: then observations, not {@link LockMetrics}, time the waits.
 */
@Configuration(proxyBeanMethods = false)
public class MeterTimedObservations {

    @Bean
    ObservationRegistry observationRegistry(MeterRegistry meters) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return registry;
    }
}
