package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spi.LockObserver;
import dev.slocket.spring.metrics.LockMetrics;
import dev.slocket.spring.metrics.LockObservations;

import java.util.Map;
import java.util.function.BiFunction;

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
 * Micrometer meters and observations of the application's registries (meters and observations
 * tagged with the {@code registry} id, see {@link SlocketRegistries}), when Micrometer is on the
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
            return observeEach(registry, beanFactory,
                    (id, each) -> new LockMetrics(id, each, meterRegistry, timeWaits));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationRegistry.class)
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        LockObservations slocketLockObservations(LockRegistry registry, ListableBeanFactory beanFactory,
                ObservationRegistry observationRegistry) {
            return observeEach(registry, beanFactory, (id, each) -> new LockObservations(id, observationRegistry));
        }
    }

    /**
     * Gives every registry (the primary and each of {@code slocket.registries}) an observer of its
     * own, which knows the registry's id; only the primary's becomes a bean.
     *
     * @return the primary's observer
     */
    private static <T extends LockObserver> T observeEach(LockRegistry primary, ListableBeanFactory beanFactory,
            BiFunction<String, LockRegistry, T> observerOf) {
        T primaryObserver = null;
        for (Map.Entry<String, LockRegistry> entry : SlocketRegistries.of(primary, beanFactory).entrySet()) {
            T observer = observerOf.apply(entry.getKey(), entry.getValue());
            if (entry.getValue() instanceof LocalLockRegistry local) {
                local.addObserver(observer);
            }
            primaryObserver = (primaryObserver != null) ? primaryObserver : observer;
        }
        return primaryObserver;
    }
}
