package dev.slocket.test;

import dev.slocket.LockRegistry;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketOperationsAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketRegistries;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@link TestLocks} bean of a test that uses {@link AutoConfigureSlocket}.
 */
@AutoConfiguration(after = { SlocketAutoConfiguration.class, SlocketOperationsAutoConfiguration.class })
@ConditionalOnBean(LockRegistry.class)
public final class SlocketTestAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TestLocks testLocks(LockRegistry registry, ListableBeanFactory beanFactory) {
        return new TestLocks(SlocketRegistries.of(registry, beanFactory));
    }
}
