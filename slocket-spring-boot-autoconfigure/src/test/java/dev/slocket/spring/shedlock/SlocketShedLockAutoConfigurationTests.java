package dev.slocket.spring.shedlock;

import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;
import dev.slocket.spring.autoconfigure.SlocketShedLockAutoConfiguration;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When ShedLock is present, its {@code LockProvider} is slocket's; an application's own provider,
 * a missing ShedLock, or no slocket registry turn it off.
 */
class SlocketShedLockAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SlocketAutoConfiguration.class,
                    SlocketShedLockAutoConfiguration.class))
            .withPropertyValues("slocket.backend=memory");

    @Test
    void shedLockLocksGoThroughTheSlocketRegistry() {
        runner.run(context -> {
            LockProvider provider = context.getBean(LockProvider.class);
            assertThat(provider).isInstanceOf(SlocketLockProvider.class);
            SimpleLock lock = provider.lock(new LockConfiguration(Instant.now(), "tick", Duration.ofMinutes(1),
                    Duration.ZERO)).orElseThrow();
            assertThat(context.getBean(dev.slocket.LockRegistry.class).locks()).singleElement()
                    .satisfies(info -> assertThat(info.name()).isEqualTo("tick"));
            lock.unlock();
        });
    }

    @Test
    void anApplicationLockProviderWins() {
        runner.withUserConfiguration(OwnProvider.class).run(context -> assertThat(context)
                .getBean(LockProvider.class).isNotInstanceOf(SlocketLockProvider.class));
    }

    @Test
    void backsOffWithoutShedLock() {
        runner.withClassLoader(new FilteredClassLoader("net.javacrumbs.shedlock"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SlocketLockProvider.class));
    }

    @Test
    void backsOffWhenSlocketIsDisabled() {
        runner.withPropertyValues("slocket.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SlocketLockProvider.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProvider {

        @Bean
        LockProvider ownLockProvider() {
            return configuration -> Optional.empty();
        }
    }
}
