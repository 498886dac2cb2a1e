package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Context runners and helpers shared by the advice tests. */
final class Runners {

    private Runners() {
    }

    /** @return Boot's AOP and slocket auto-configuration on the memory backend */
    static ApplicationContextRunner memory() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SlocketAutoConfiguration.class))
                .withPropertyValues("slocket.backend=memory");
    }

    /** Takes {@code name} as a holder that no thread owns, like another process would. */
    static HeldLock holdElsewhere(LockRegistry registry, String name) throws Exception {
        return registry.acquireAsync(name, Duration.ZERO).get(5, TimeUnit.SECONDS);
    }

    /** @return whether {@code name} is free right now, asked from a thread that holds nothing */
    static boolean isFree(LockRegistry registry, String name) throws Exception {
        try {
            holdElsewhere(registry, name).release();
            return true;
        }
        catch (ExecutionException ex) {
            return false;
        }
    }
}
