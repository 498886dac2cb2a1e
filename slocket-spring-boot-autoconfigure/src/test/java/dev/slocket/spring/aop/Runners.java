package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.spring.autoconfigure.SlocketAutoConfiguration;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Context runners and helpers shared by the advice tests. */
final class Runners {

    private static final Duration BOUND = Duration.ofSeconds(10);

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

    /**
     * Subscribes to what {@code call} makes of a source, and checks that {@code name} is held from
     * the subscription until the source completes, and free after it.
     */
    static void assertHeldUntilComplete(LockRegistry registry, String name, Function<Flux<String>, Flux<String>> call) {
        Sinks.Many<String> source = Sinks.many().unicast().onBackpressureBuffer();
        Mono<List<String>> all = call.apply(source.asFlux()).collectList().cache();
        all.subscribe();
        await().atMost(BOUND).until(() -> !isFree(registry, name));
        source.tryEmitNext("a");
        source.tryEmitComplete();
        assertThat(all.block(BOUND)).containsExactly("a");
        await().atMost(BOUND).until(() -> isFree(registry, name));
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
