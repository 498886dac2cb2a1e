package dev.slocket.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Return types whose work may run after the method returned but that no handler can hold the
 * lock for: held like a plain value, the lock would be released before the work runs, so such
 * declarations fail start-up instead.
 */
final class UnholdableResults {

    /** Lazy types known by name, so that their libraries need not be present. */
    private static final String[] LAZY_TYPES = { "org.reactivestreams.Publisher", "java.util.concurrent.Flow$Publisher",
            "kotlinx.coroutines.flow.Flow" };

    private static final Class<? extends Annotation> ASYNC = asyncAnnotation();

    private UnholdableResults() {
    }

    /**
     * @param method a method whose return type no asynchronous handler supports
     * @return why a lock cannot be held for its result, or {@code null} if it is a plain value
     */
    static String whyNot(Method method) {
        Class<?> returnType = method.getReturnType();
        if (CompletionStage.class.isAssignableFrom(returnType)) {
            return null;
        }
        if (Future.class.isAssignableFrom(returnType) && !isAsync(method)) {
            return "is a Future, which does not report when it completes; return a CompletableFuture or a"
                    + " CompletionStage so that the lock is held until the work ends";
        }
        ReactiveAdapter adapter = PublisherReturnHandler.adapterFor(returnType);
        if (adapter != null) {
            return PublisherReturnHandler.REACTOR_PRESENT
                    ? "is an asynchronous type whose work starts before it is returned; return a lazy type"
                            + " (Mono, Flux, Publisher) or a CompletionStage"
                    : "is an asynchronous type; holding the lock until it completes needs Reactor"
                            + " (io.projectreactor:reactor-core) on the class path";
        }
        return isLazy(returnType) ? describeUnknown() : null;
    }

    /**
     * Whether Spring's {@code @Async} runs the method: its advice comes first, so the lock is
     * taken on the executor's thread around the work, and the returned future is already done.
     */
    static boolean isAsync(Method method) {
        return ASYNC != null && (AnnotatedElementUtils.hasAnnotation(method, ASYNC)
                || AnnotatedElementUtils.hasAnnotation(method.getDeclaringClass(), ASYNC));
    }

    /** Whether {@code type} is, extends or implements a lazy type, by name. */
    private static boolean isLazy(Class<?> type) {
        if (type == null) {
            return false;
        }
        if (Arrays.asList(LAZY_TYPES).contains(type.getName()) || isLazy(type.getSuperclass())) {
            return true;
        }
        return Arrays.stream(type.getInterfaces()).anyMatch(UnholdableResults::isLazy);
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Annotation> asyncAnnotation() {
        String name = "org.springframework.scheduling.annotation.Async";
        ClassLoader loader = UnholdableResults.class.getClassLoader();
        return ClassUtils.isPresent(name, loader)
                ? (Class<? extends Annotation>) ClassUtils.resolveClassName(name, loader) : null;
    }

    private static String describeUnknown() {
        return "is a lazy publisher type that Spring's ReactiveAdapterRegistry does not know, so the lock"
                + " would be released before its work runs; return Mono or Flux, or register an adapter for it"
                + " (" + ReactiveAdapterRegistry.class.getSimpleName() + ")";
    }
}
