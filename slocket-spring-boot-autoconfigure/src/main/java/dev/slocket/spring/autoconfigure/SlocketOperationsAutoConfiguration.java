package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.spring.aop.InFlightCalls;
import dev.slocket.spring.event.LockLostEvent;
import dev.slocket.spring.lifecycle.GracefulLockShutdown;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Lost-lock events and graceful shutdown for the application's {@link LockRegistry registries}: every lost
 * lock is published as a {@link LockLostEvent}, and a closing context lets {@code @Mutexed} calls
 * in flight finish before the registry is closed.
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class)
@ConditionalOnBean(LockRegistry.class)
public final class SlocketOperationsAutoConfiguration {

    @Bean
    SmartInitializingSingleton slocketLockLostEvents(LockRegistry registry, ListableBeanFactory beanFactory,
            ApplicationEventPublisher publisher) {
        return () -> SlocketRegistries.of(registry, beanFactory).values().forEach(each -> each
                .addLockLostListener(loss -> publisher.publishEvent(new LockLostEvent(each, loss))));
    }

    @Bean
    @ConditionalOnBean(InFlightCalls.class)
    GracefulLockShutdown slocketGracefulShutdown(InFlightCalls inFlightCalls) {
        return new GracefulLockShutdown(inFlightCalls);
    }
}
