package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spring.metrics.LockMetrics;
import dev.slocket.spring.metrics.LockObservations;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters and observations of the application's registries (meters tagged with the
 * {@code registry} id, see {@link SlocketRegistries}), when Micrometer is on the
 * class path and a {@link MeterRegistry} or {@link ObservationRegistry} exists. Only registries
 * built on {@link LocalLockRegistry} (every {@code Slocket} factory's) report waits and holds.
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBean(LockRegistry.class)
public final class SlocketMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MeterConfiguration {

        @Bean
        LockMetrics slocketLockMetrics(LockRegistry registry, ListableBeanFactory beanFactory,
                MeterRegistry meterRegistry, ObjectProvider<ObservationRegistry> observationRegistry) {
            // with observations, their meter handler times each wait: timing it here too would count it twice
            boolean timeWaits = observationRegistry.getIfAvailable() == null;
            LockMetrics primary = null;
            for (Map.Entry<String, LockRegistry> entry : SlocketRegistries.of(registry, beanFactory).entrySet()) {
                // the meters of the further registries are registered here too; only the primary's is a bean
                LockMetrics metrics = new LockMetrics(entry.getKey(), entry.getValue(), meterRegistry, timeWaits);
                if (entry.getValue() instanceof LocalLockRegistry local) {
                    local.addObserver(metrics);
                }
                primary = (primary != null) ? primary : metrics;
            }
            return primary;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        LockObservations slocketLockObservations(LockRegistry registry, ListableBeanFactory beanFactory,
                ObservationRegistry observationRegistry) {
            LockObservations observations = new LockObservations(observationRegistry);
            for (LockRegistry each : SlocketRegistries.of(registry, beanFactory).values()) {
                if (each instanceof LocalLockRegistry local) {
                    local.addObserver(observations);
                }
            }
            return observations;
        }
    }
}
