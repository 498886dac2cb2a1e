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
 * {@code ${...}} placeholders, parses the name template and the wait, and picks the return
 * handler. Every problem is an {@link IllegalStateException} naming the method and the text.
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
        Duration waitFor = parseWait(specific, resolve(specific, "waitFor", mutexed.waitFor()));
        Class<?> returnType = specific.getReturnType();
        if (mutexed.onTimeout() == Mutexed.OnTimeout.SKIP && returnType.isPrimitive() && returnType != void.class) {
            throw invalid(specific, "onTimeout = SKIP cannot be expressed by the primitive return type "
                    + returnType.getName() + "; return a wrapper or Optional, or use THROW");
        }
        MutexedReturnHandler handler = handlers.stream().filter(h -> h.supports(returnType)).findFirst()
                .orElseThrow();
        return Optional.of(new MutexedOperation(specific, template, name, waitFor, mutexed.onTimeout(), handler,
                findRegistry(specific, resolve(specific, "registry", mutexed.registry()))));
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

    private static Duration parseWait(Method method, String text) {
        if (text.isBlank()) {
            return null;
        }
        Duration wait;
        try {
            wait = DurationStyle.detectAndParse(text.trim());
        }
        catch (IllegalArgumentException ex) {
            throw invalid(method, "waitFor '" + text + "' is not a duration (e.g. \"5s\", \"500ms\", \"PT5S\")");
        }
        if (wait.isNegative()) {
            throw invalid(method, "waitFor '" + text + "' is negative");
        }
        return wait;
    }

    private static IllegalStateException invalid(Method method, String problem) {
        return new IllegalStateException("Invalid @Mutexed on " + describe(method) + ": " + problem);
    }
}
