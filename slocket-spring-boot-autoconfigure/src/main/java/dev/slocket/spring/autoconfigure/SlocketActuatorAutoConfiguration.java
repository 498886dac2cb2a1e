package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.spring.actuate.LocksEndpoint;
import dev.slocket.spring.actuate.SlocketHealthIndicator;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code slocket} health indicator ({@code management.health.slocket.enabled}) and the
 * {@code locks} endpoint, when Actuator is on the class path; both show every registry.
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class)
@ConditionalOnBean(LockRegistry.class)
public final class SlocketActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("slocket")
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "slocketHealthIndicator")
        SlocketHealthIndicator slocketHealthIndicator(LockRegistry registry, ListableBeanFactory beanFactory) {
            return new SlocketHealthIndicator(SlocketRegistries.of(registry, beanFactory));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @ConditionalOnAvailableEndpoint(LocksEndpoint.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        LocksEndpoint locksEndpoint(LockRegistry registry, ListableBeanFactory beanFactory) {
            return new LocksEndpoint(SlocketRegistries.of(registry, beanFactory));
        }
    }
}
