package dev.slocket.spring.autoconfigure;

import dev.slocket.LockRegistry;
import dev.slocket.spring.shedlock.SlocketLockProvider;

import net.javacrumbs.shedlock.core.LockProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * ShedLock's {@link LockProvider} on the application's slocket {@link LockRegistry}, when
 * ShedLock is on the class path and the application defines no lock provider of its own.
 */
@AutoConfiguration(after = SlocketAutoConfiguration.class)
@ConditionalOnClass(LockProvider.class)
@ConditionalOnBean(LockRegistry.class)
public final class SlocketShedLockAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(LockProvider.class)
    SlocketLockProvider slocketLockProvider(LockRegistry locks) {
        return new SlocketLockProvider(locks);
    }
}
