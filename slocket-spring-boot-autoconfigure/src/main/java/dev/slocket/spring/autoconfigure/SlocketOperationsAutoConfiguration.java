package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.spring.aop.InFlightCalls;
import dev.slocket.spring.event.LockLostEvent;
import dev.slocket.spring.lifecycle.GracefulLockShutdown;

import java.time.Duration;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Lost-lock events and graceful shutdown for the application's {@link LockRegistry registries}: every lost
 * lock is published as a {@link LockLostEvent}, and a closing context shuts the registries down
 * in order ({@link GracefulLockShutdown}).
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class)
@ConditionalOnBean(LockRegistry.class)
public final class SlocketOperationsAutoConfiguration {

    private static final String PHASE_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

    /** Spring Boot's default for {@value #PHASE_TIMEOUT_PROPERTY}. */
    private static final Duration DEFAULT_PHASE_TIMEOUT = Duration.ofSeconds(30);

    @Bean
    SmartInitializingSingleton slocketLockLostEvents(LockRegistry registry, ListableBeanFactory beanFactory,
            ApplicationEventPublisher publisher) {
        return () -> SlocketRegistries.of(registry, beanFactory).values().forEach(each -> each
                .addLockLostListener(loss -> publisher.publishEvent(new LockLostEvent(each, loss))));
    }

    @Bean
    @ConditionalOnBean(InFlightCalls.class)
    GracefulLockShutdown slocketGracefulShutdown(InFlightCalls inFlightCalls, ObjectProvider<LockRegistry> registries,
            Environment environment) {
        Duration phaseTimeout = Binder.get(environment).bind(PHASE_TIMEOUT_PROPERTY, Duration.class)
                .orElse(DEFAULT_PHASE_TIMEOUT);
        return new GracefulLockShutdown(inFlightCalls, registries.orderedStream().toList(), phaseTimeout);
    }
}
