package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.LockLostException;
import dev.slocket.LockTimeoutException;

import java.util.concurrent.CompletionStage;

import org.reactivestreams.Publisher;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.ClassUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs methods that return a lazy type known to Spring's {@link ReactiveAdapterRegistry}
 * ({@code Mono}, {@code Flux}, {@code Publisher}, {@code Flow.Publisher}, RxJava, Kotlin
 * {@code Flow} with its Reactor bridge...) under the lock per subscription: subscribing acquires
 * (without blocking), invokes the method and subscribes to its result; completion, error or
 * cancellation releases. The held lock is in the subscriber context under
 * {@link LockContext#CONTEXT_KEY}. A result that completes after its lock was lost errors with
 * {@link LockLostException} instead. Calling the method acquires nothing. Needs Reactor; Reactor
 * types stay in {@link ReactorDelegate}.
 */
public final class PublisherReturnHandler implements MutexedReturnHandler {

    static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Flux",
            PublisherReturnHandler.class.getClassLoader());

    @Override
    public boolean supports(Class<?> returnType) {
        ReactiveAdapter adapter = adapterFor(returnType);
        return REACTOR_PRESENT && adapter != null && adapter.getDescriptor().isDeferred();
    }

    @Override
    public Object skippedValue(Class<?> returnType) {
        ReactiveAdapter adapter = adapterFor(returnType);
        if (!adapter.supportsEmpty()) {
            throw new IllegalStateException(returnType.getName() + " must emit a value, so it cannot express"
                    + " a skipped call; use onTimeout = THROW or a type that may complete empty");
        }
        return adapter.getDescriptor().getEmptyValue();
    }

    @Override
    public Object invoke(LockedCall call) {
        return ReactorDelegate.hold(call, adapterFor(call.returnType()));
    }

    /**
     * @param returnType a declared return type
     * @return the adapter Spring knows for it, or {@code null}; never one for a
     *         {@link CompletionStage}, nor one that adapts to a supertype (what it makes would not
     *         be a {@code returnType})
     */
    static ReactiveAdapter adapterFor(Class<?> returnType) {
        if (!REACTOR_PRESENT || CompletionStage.class.isAssignableFrom(returnType)) {
            return null;
        }
        ReactiveAdapter adapter = ReactiveAdapterRegistry.getSharedInstance().getAdapter(returnType);
        return adapter != null && returnType.isAssignableFrom(adapter.getReactiveType()) ? adapter : null;
    }

    /** Keeps Reactor types out of the outer class, so that it loads without Reactor. */
    private static final class ReactorDelegate {

        static Object hold(LockedCall call, ReactiveAdapter adapter) {
            Mono<HeldLock> acquire = Mono.fromFuture(call::acquireAsync, false)
                    .doOnDiscard(HeldLock.class, HeldLock::release);
            if (call.skipOnTimeout()) {
                acquire = acquire.onErrorResume(LockTimeoutException.class, ex -> {
                    call.logSkipped();
                    return Mono.empty();
                });
            }
            Flux<Object> held = acquire.flatMapMany(lock -> Flux.using(() -> call.holdAsync(lock),
                    hold -> Flux.from(invokeAgain(call, adapter, lock)).concatWith(Mono.defer(() -> failIfLost(hold))),
                    AsyncHold::end).contextWrite(context -> context.put(LockContext.CONTEXT_KEY, lock)));
            // a single value waits for the loss check; an error after it replaces it
            return adapter.fromPublisher(adapter.isMultiValue() ? held : held.singleOrEmpty());
        }

        private static Mono<Object> failIfLost(AsyncHold hold) {
            LockLostException lost = hold.lost();
            return lost == null ? Mono.empty() : Mono.error(lost);
        }

        @SuppressWarnings("unchecked")
        private static Publisher<Object> invokeAgain(LockedCall call, ReactiveAdapter adapter, HeldLock lock) {
            try {
                Object result = call.proceedAgain(lock);
                return result == null ? Mono.empty() : (Publisher<Object>) adapter.toPublisher(result);
            }
            catch (Throwable ex) {
                return Mono.error(ex);
            }
        }
    }
}
