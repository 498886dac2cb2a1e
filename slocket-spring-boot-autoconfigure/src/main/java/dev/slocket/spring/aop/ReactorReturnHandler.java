package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockTimeoutException;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs {@code Mono}/{@code Flux} methods under the lock per subscription: subscribing acquires
 * (without blocking), invokes the method and subscribes to its result; completion, error or
 * cancellation releases. Calling the method acquires nothing. Used only when Reactor is present.
 */
public final class ReactorReturnHandler implements MutexedReturnHandler {

    @Override
    public boolean supports(Class<?> returnType) {
        return returnType == Mono.class || returnType == Flux.class;
    }

    @Override
    public Object skippedValue(Class<?> returnType) {
        return returnType == Mono.class ? Mono.empty() : Flux.empty();
    }

    @Override
    public Object invoke(LockedCall call) {
        Mono<HeldLock> acquire = Mono.fromFuture(call::acquireAsync, false)
                .doOnDiscard(HeldLock.class, call::release);
        if (call.skipOnTimeout()) {
            acquire = acquire.onErrorResume(LockTimeoutException.class, ex -> {
                call.logSkipped();
                return Mono.empty();
            });
        }
        if (call.returnType() == Mono.class) {
            return acquire.flatMap(lock -> Mono.using(() -> lock, held -> Mono.from(invokeAgain(call, held)),
                    call::release));
        }
        return acquire.flatMapMany(lock -> Flux.using(() -> lock, held -> Flux.from(invokeAgain(call, held)),
                call::release));
    }

    private static Publisher<?> invokeAgain(LockedCall call, HeldLock lock) {
        try {
            Publisher<?> result = (Publisher<?>) call.proceedAgain(lock);
            return result == null ? Mono.empty() : result;
        }
        catch (Throwable ex) {
            return Mono.error(ex);
        }
    }
}
