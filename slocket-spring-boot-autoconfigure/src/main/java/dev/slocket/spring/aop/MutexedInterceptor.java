package dev.slocket.spring.aop;

import dev.slocket.internal.LockContextHolder;

import java.time.Duration;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.support.AopUtils;

/**
 * The {@code @Mutexed} advice: evaluates the lock name before the method runs, lets nested calls
 * for a name this thread already holds pass through, and hands the call to the return handler.
 */
public final class MutexedInterceptor implements MethodInterceptor {

    private static final Logger log = LoggerFactory.getLogger(MutexedInterceptor.class);

    private final MutexedOperationSource operations;

    private final LockNameEvaluator names;

    private final Duration defaultWait;

    private final InFlightCalls inFlight;

    private final boolean interruptOnLoss;

    /**
     * @param operations the validated declarations
     * @param names evaluates lock name templates
     * @param defaultWait the wait of a {@code @Mutexed} without {@code waitFor}; {@code null}
     *        uses the registry's default
     * @param inFlight counts running calls and asynchronous holds for graceful shutdown
     * @param interruptOnLoss whether a lost lock also interrupts the thread that runs the method
     */
    public MutexedInterceptor(MutexedOperationSource operations, LockNameEvaluator names,
            Duration defaultWait, InFlightCalls inFlight, boolean interruptOnLoss) {
        this.operations = operations;
        this.names = names;
        this.defaultWait = defaultWait;
        this.inFlight = inFlight;
        this.interruptOnLoss = interruptOnLoss;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Class<?> targetClass = target == null ? null : AopUtils.getTargetClass(target);
        MutexedOperation operation = operations.find(invocation.getMethod(), targetClass);
        if (operation == null) {
            return invocation.proceed();
        }
        String name = names.evaluate(operation, target, invocation.getArguments());
        if (LockContextHolder.holds(name)) {
            log.debug("Lock '{}' is already held on this thread; nested call of {} passes through", name,
                    operation.describeMethod());
            return invocation.proceed();
        }
        Duration wait = operation.waitFor() != null ? operation.waitFor() : defaultWait;
        inFlight.enter();
        try {
            return operation.handler().invoke(new LockedCall(operation, name, wait, operation.registry().get(),
                    invocation, interruptOnLoss, inFlight));
        }
        finally {
            inFlight.exit();
        }
    }
}
