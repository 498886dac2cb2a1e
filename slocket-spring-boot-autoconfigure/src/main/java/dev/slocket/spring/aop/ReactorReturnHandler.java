package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockLostException;
import dev.slocket.LockTimeoutException;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs {@code Mono}/{@code Flux} methods under the lock per subscription: subscribing acquires
 * (without blocking), invokes the method and subscribes to its result; completion, error or
 * cancellation releases. A result that completes after its lock was lost errors with
 * {@link LockLostException} instead. Calling the method acquires nothing. Used only when Reactor
 * is present.
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
        Flux<Object> held = acquire.flatMapMany(lock -> Flux.using(() -> call.holdAsync(lock),
                hold -> Flux.from(invokeAgain(call, lock)).concatWith(Mono.defer(() -> failIfLost(hold))),
                AsyncHold::end));
        // a Mono's single value waits for the loss check; an error after it replaces it
        return call.returnType() == Mono.class ? held.singleOrEmpty() : held;
    }

    private static Mono<Object> failIfLost(AsyncHold hold) {
        LockLostException lost = hold.lost();
        return lost == null ? Mono.empty() : Mono.error(lost);
    }

    @SuppressWarnings("unchecked")
    private static Publisher<Object> invokeAgain(LockedCall call, HeldLock lock) {
        try {
            Publisher<Object> result = (Publisher<Object>) call.proceedAgain(lock);
            return result == null ? Mono.empty() : result;
        }
        catch (Throwable ex) {
            return Mono.error(ex);
        }
    }
}
