package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.spring.integration.SlocketLockRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Spring Integration's lock registry on the application's slocket {@link LockRegistry}, when
 * Spring Integration is on the class path and the application defines no lock registry of
 * Spring Integration's own.
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class)
@ConditionalOnClass(org.springframework.integration.support.locks.LockRegistry.class)
@ConditionalOnBean(LockRegistry.class)
public final class SlocketIntegrationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(org.springframework.integration.support.locks.LockRegistry.class)
    SlocketLockRegistry slocketIntegrationLockRegistry(LockRegistry locks) {
        return new SlocketLockRegistry(locks);
    }
}
