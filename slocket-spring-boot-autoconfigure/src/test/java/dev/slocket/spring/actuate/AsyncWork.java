package dev.slocket.spring.actuate;

import dev.slocket.annotation.Mutexed;

import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code @Mutexed} methods that return whatever work the test hands them, so that the test decides
 * how long the lock is held past the call.
 */
public class AsyncWork {

    /**
     * @param work the pending work
     * @return {@code work} under the lock {@code async-future}
     */
    @Mutexed("async-future")
    public CompletableFuture<String> future(CompletableFuture<String> work) {
        return work;
    }

    /**
     * @param work the pending work
     * @return {@code work} under the lock {@code async-mono}, per subscription
     */
    @Mutexed("async-mono")
    public Mono<String> mono(Mono<String> work) {
        return work;
    }

    /**
     * @param work the pending work
     * @return {@code work} under the lock {@code async-flux}, per subscription
     */
    @Mutexed("async-flux")
    public Flux<String> flux(Flux<String> work) {
        return work;
    }
}
