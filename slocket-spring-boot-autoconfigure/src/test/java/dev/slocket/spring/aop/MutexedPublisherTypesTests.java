package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every lazy type Spring's {@code ReactiveAdapterRegistry} knows holds the lock per subscription
 * until it completes or is cancelled, and the pipeline sees the held lock.
 */
class MutexedPublisherTypesTests {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private final ApplicationContextRunner runner = Runners.memory().withUserConfiguration(Beans.class);

    @Test
    void aPublisherHoldsFromSubscriptionUntilCompletion() {
        runner.run(context -> {
            Streams streams = context.getBean(Streams.class);
            streams.publisher(Flux.never());
            assertThat(streams.invocations()).as("calling the method runs no work").isZero();
            assertThat(Runners.isFree(context.getBean(LockRegistry.class), "stream")).isTrue();
            Runners.assertHeldUntilComplete(context.getBean(LockRegistry.class), "stream", source -> Flux.from(streams.publisher(source)));
        });
    }

    @Test
    void aFlowPublisherHoldsUntilCompletionAndCancellationReleases() {
        runner.run(context -> {
            Streams streams = context.getBean(Streams.class);
            LockRegistry registry = context.getBean(LockRegistry.class);
            Disposable subscription = JdkFlowAdapter.flowPublisherToFlux(streams.flow(Flux.never())).subscribe();
            await().atMost(BOUND).until(() -> !Runners.isFree(registry, "stream"));
            subscription.dispose();
            await().atMost(BOUND).until(() -> Runners.isFree(registry, "stream"));
            Runners.assertHeldUntilComplete(registry, "stream", source -> JdkFlowAdapter.flowPublisherToFlux(streams.flow(source)));
        });
    }

    @Test
    void theHeldLockIsInTheSubscriberContext() {
        runner.run(context -> {
            Streams streams = context.getBean(Streams.class);
            HeldLock seen = streams.fromContext().block(BOUND);
            assertThat(seen.name()).isEqualTo("stream");
            assertThat(seen.isHeld()).as("released once the Mono completed").isFalse();
        });
    }

    @Test
    void lockContextWorksOnAnotherSchedulerWithAutomaticContextPropagation() {
        Hooks.enableAutomaticContextPropagation();
        try {
            runner.run(context -> {
                Streams streams = context.getBean(Streams.class);
                assertThat(streams.onAnotherThread().block(BOUND)).containsExactly("stream", "stream");
            });
        }
        finally {
            Hooks.disableAutomaticContextPropagation();
        }
    }

    public static class Streams {

        private final AtomicInteger invocations = new AtomicInteger();

        public int invocations() {
            return invocations.get();
        }

        @Mutexed("stream")
        public Publisher<String> publisher(Flux<String> source) {
            invocations.incrementAndGet();
            return source;
        }

        @Mutexed("stream")
        public Flow.Publisher<String> flow(Flux<String> source) {
            return JdkFlowAdapter.publisherToFlowPublisher(source);
        }

        @Mutexed("stream")
        public Mono<HeldLock> fromContext() {
            return Mono.deferContextual(subscriber -> Mono.just(subscriber.get(LockContext.CONTEXT_KEY)));
        }

        @Mutexed("stream")
        public Mono<List<String>> onAnotherThread() {
            return Flux.range(0, 2).publishOn(Schedulers.boundedElastic())
                    .map(ignored -> LockContext.current().name()).collectList();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Beans {

        @Bean
        Streams streams() {
            return new Streams();
        }
    }
}
