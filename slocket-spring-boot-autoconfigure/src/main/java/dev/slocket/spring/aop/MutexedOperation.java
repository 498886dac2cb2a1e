package dev.slocket.spring.aop;

import dev.slocket.LockRegistry;
import dev.slocket.annotation.Mutexed;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.function.Supplier;

import org.springframework.expression.Expression;

/**
 * A validated {@link Mutexed} declaration of one method.
 *
 * @param method the annotated method
 * @param template the lock name as written (after {@code ${...}} resolution)
 * @param name the parsed lock name template
 * @param waitFor the wait, or {@code null} for the default wait
 * @param onTimeout what a timeout does
 * @param holdAtLeast how long the lock stays held at least after its acquisition, or {@code null}
 * @param handler how the method's return type holds the lock
 * @param registry the registry that holds the lock, looked up on first use
 * @param springAsync whether Spring's {@code @Async} runs the method on its executor (its advice comes first)
 */
record MutexedOperation(Method method, String template, Expression name, Duration waitFor,
        Mutexed.OnTimeout onTimeout, Duration holdAtLeast, MutexedReturnHandler handler,
        Supplier<LockRegistry> registry, boolean springAsync) {

    boolean skipOnTimeout() {
        return onTimeout == Mutexed.OnTimeout.SKIP;
    }

    String describeMethod() {
        return MutexedOperationSource.describe(method);
    }
}
