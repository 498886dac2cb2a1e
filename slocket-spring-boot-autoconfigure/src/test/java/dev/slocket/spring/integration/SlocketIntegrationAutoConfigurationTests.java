package dev.slocket.spring.integration;

import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketIntegrationAutoConfiguration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.support.locks.DefaultLockRegistry;
import org.springframework.integration.support.locks.LockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When Spring Integration is present, its {@code LockRegistry} is slocket's; an application's own
 * lock registry, a missing Spring Integration, or no slocket registry turn it off.
 */
class SlocketIntegrationAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketIntegrationAutoConfiguration.class))
            .withPropertyValues("slocket.backend=memory");

    @Test
    void springIntegrationLocksGoThroughTheSlocketRegistry() {
        runner.run(context -> {
            LockRegistry<?> locks = context.getBean(LockRegistry.class);
            assertThat(locks).isInstanceOf(SlocketLockRegistry.class);
            var lock = locks.obtain("job");
            lock.lock();
            assertThat(context.getBean(dev.slocket.LockRegistry.class).locks()).singleElement()
                    .satisfies(info -> assertThat(info.name()).isEqualTo("job"));
            lock.unlock();
        });
    }

    @Test
    void anApplicationLockRegistryWins() {
        runner.withUserConfiguration(OwnRegistry.class).run(context -> assertThat(context)
                .getBean(LockRegistry.class).isInstanceOf(DefaultLockRegistry.class));
    }

    @Test
    void backsOffWithoutSpringIntegration() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SlocketLockRegistry.class));
    }

    @Test
    void backsOffWhenSlocketIsDisabled() {
        runner.withPropertyValues("slocket.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SlocketLockRegistry.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnRegistry {

        @Bean
        DefaultLockRegistry ownLockRegistry() {
            return new DefaultLockRegistry();
        }
    }
}
