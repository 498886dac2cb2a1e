package dev.slocket.spring.aop;

import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.env.Environment;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.ParserContext;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;

/**
 * Finds, validates and caches the {@link Mutexed} declaration of a method: resolves
 * {@code ${...}} placeholders, parses the name template and the durations, and picks the return
 * handler; a return type no handler can hold the lock for (a lazy type Spring does not know, a
 * Kotlin {@code suspend} function) is rejected. Every problem is an
 * {@link IllegalStateException} naming the method and the text.
 */
public final class MutexedOperationSource {

    private static final Optional<MutexedOperation> NONE = Optional.empty();

    private final Environment environment;

    private final List<MutexedReturnHandler> handlers;

    private final MutexedRegistries registries;

    private final SpelExpressionParser parser = new SpelExpressionParser();

    private final Map<MethodClassKey, Optional<MutexedOperation>> cache = new ConcurrentHashMap<>();

    /**
     * @param environment resolves {@code ${...}} placeholders
     * @param handlers the return handlers to consult in order; the last must support every type
     * @param registries finds the registry each declaration names
     */
    public MutexedOperationSource(Environment environment, List<MutexedReturnHandler> handlers,
            MutexedRegistries registries) {
        this.environment = environment;
        this.handlers = List.copyOf(handlers);
        this.registries = registries;
    }

    /**
     * @param method a method as seen by a proxy
     * @param targetClass the class of the target bean, or {@code null}
     * @return the validated declaration, or {@code null} if the method is not {@code @Mutexed}
     * @throws IllegalStateException if the declaration is invalid
     */
    MutexedOperation find(Method method, Class<?> targetClass) {
        return cache.computeIfAbsent(new MethodClassKey(method, targetClass), key -> parse(method, targetClass))
                .orElse(null);
    }

    static String describe(Method method) {
        return ClassUtils.getQualifiedMethodName(method) + "(" + String.join(", ",
                Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
    }

    private Optional<MutexedOperation> parse(Method method, Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        Mutexed mutexed = AnnotatedElementUtils.findMergedAnnotation(specific, Mutexed.class);
        if (mutexed == null && specific != method) {
            mutexed = AnnotatedElementUtils.findMergedAnnotation(method, Mutexed.class);
        }
        if (mutexed == null) {
            return NONE;
        }
        String template = resolve(specific, "value", mutexed.value());
        Expression name = parseName(specific, template);
        Duration waitFor = parseDuration(specific, "waitFor", resolve(specific, "waitFor", mutexed.waitFor()));
        Duration holdAtLeast = parseDuration(specific, "holdAtLeast",
                resolve(specific, "holdAtLeast", mutexed.holdAtLeast()));
        if (isSuspending(specific)) {
            throw invalid(specific, "Kotlin suspend functions cannot hold a lock until they complete (the lock"
                    + " would be released at the first suspension); return a Mono, a Flux or a Flow instead");
        }
        Class<?> returnType = specific.getReturnType();
        if (mutexed.onTimeout() == Mutexed.OnTimeout.SKIP && returnType.isPrimitive() && returnType != void.class) {
            throw invalid(specific, "onTimeout = SKIP cannot be expressed by the primitive return type "
                    + returnType.getName() + "; return a wrapper or Optional, or use THROW");
        }
        MutexedReturnHandler handler = handlers.stream().filter(h -> h.supports(returnType)).findFirst()
                .orElseThrow();
        String unholdable = handler instanceof BlockingReturnHandler ? UnholdableResults.whyNot(specific) : null;
        if (unholdable != null) {
            throw invalid(specific, "the return type " + returnType.getName() + " " + unholdable);
        }
        if (mutexed.onTimeout() == Mutexed.OnTimeout.SKIP) {
            try {
                handler.skippedValue(returnType);
            }
            catch (IllegalStateException ex) {
                throw invalid(specific, "onTimeout = SKIP: " + ex.getMessage());
            }
        }
        return Optional.of(new MutexedOperation(specific, template, name, waitFor, mutexed.onTimeout(), holdAtLeast,
                handler, findRegistry(specific, resolve(specific, "registry", mutexed.registry())),
                UnholdableResults.isAsync(specific)));
    }

    /** The JVM signature of a Kotlin {@code suspend fun}: a trailing continuation parameter. */
    private static boolean isSuspending(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        return parameters.length > 0
                && parameters[parameters.length - 1].getName().equals("kotlin.coroutines.Continuation");
    }

    private String resolve(Method method, String attribute, String text) {
        try {
            return environment.resolveRequiredPlaceholders(text);
        }
        catch (IllegalArgumentException ex) {
            throw invalid(method, attribute + " '" + text + "': " + ex.getMessage());
        }
    }

    private Supplier<LockRegistry> findRegistry(Method method, String id) {
        try {
            return registries.find(id);
        }
        catch (IllegalArgumentException ex) {
            throw invalid(method, ex.getMessage());
        }
    }

    private Expression parseName(Method method, String template) {
        if (template.isBlank()) {
            throw invalid(method, "the lock name is empty");
        }
        try {
            return parser.parseExpression(template, ParserContext.TEMPLATE_EXPRESSION);
        }
        catch (ParseException ex) {
            throw invalid(method, "cannot parse the lock name '" + template + "': " + ex.getMessage());
        }
    }

    private static Duration parseDuration(Method method, String attribute, String text) {
        if (text.isBlank()) {
            return null;
        }
        Duration duration;
        try {
            duration = DurationStyle.detectAndParse(text.trim());
        }
        catch (IllegalArgumentException ex) {
            throw invalid(method, attribute + " '" + text + "' is not a duration (e.g. \"5s\", \"500ms\", \"PT5S\")");
        }
        if (duration.isNegative()) {
            throw invalid(method, attribute + " '" + text + "' is negative");
        }
        return duration;
    }

    private static IllegalStateException invalid(Method method, String problem) {
        return new IllegalStateException("Invalid @Mutexed on " + describe(method) + ": " + problem);
    }
}
