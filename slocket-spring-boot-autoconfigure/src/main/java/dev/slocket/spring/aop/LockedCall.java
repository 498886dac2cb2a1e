package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.internal.LockContextHolder;
import dev.slocket.spi.LockTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * One intercepted call of a {@code @Mutexed} method with its evaluated lock name and registry:
 * acquires, runs the method with {@link dev.slocket.LockContext} set, and releases, logging each
 * step. How long the lock is held is up to the return handler.
 */
public final class LockedCall {

    private static final Logger log = LoggerFactory.getLogger(LockedCall.class);

    private final MutexedOperation operation;

    private final String name;

    private final Duration wait;

    private final LockRegistry registry;

    private final MethodInvocation invocation;

    private final boolean interruptOnLoss;

    private final InFlightCalls inFlight;

    LockedCall(MutexedOperation operation, String name, Duration wait, LockRegistry registry,
            MethodInvocation invocation, boolean interruptOnLoss, InFlightCalls inFlight) {
        this.operation = operation;
        this.name = name;
        this.wait = wait;
        this.registry = registry;
        this.invocation = invocation;
        this.interruptOnLoss = interruptOnLoss;
        this.inFlight = inFlight;
    }

    /** @return the evaluated lock name */
    public String name() {
        return name;
    }

    /** @return the declared return type of the method */
    public Class<?> returnType() {
        return operation.method().getReturnType();
    }

    /** @return whether a timeout skips the method instead of throwing */
    public boolean skipOnTimeout() {
        return operation.skipOnTimeout();
    }

    /** @return whether Spring's {@code @Async} runs the method, so that the call is on its executor's thread */
    boolean runsOnAsyncExecutor() {
        return operation.springAsync();
    }

    /** @return whether a lost lock interrupts the thread that runs the method */
    boolean interruptOnLoss() {
        return interruptOnLoss;
    }

    /**
     * Ends a call that timed out waiting: skipped, or failed with the timeout.
     *
     * @param timeout the timeout
     * @return what a skipped call returns
     * @throws LockTimeoutException unless the call is skipped on timeout
     */
    public Object skipOrThrow(LockTimeoutException timeout) {
        if (!skipOnTimeout()) {
            throw timeout;
        }
        logSkipped();
        return operation.handler().skippedValue(returnType());
    }

    /**
     * Acquires a lock owned by the calling thread (reentrant for it).
     *
     * @return the lock
     * @throws LockTimeoutException if the wait elapsed
     */
    public HeldLock acquire() {
        logWaiting();
        HeldLock lock = LockTemplate.with(operation.template(),
                () -> wait == null ? registry.acquire(name) : registry.acquire(name, wait));
        return acquired(lock);
    }

    /** @return a future of a lock that no thread owns; cancelling it withdraws the request */
    public CompletableFuture<HeldLock> acquireAsync() {
        logWaiting();
        CompletableFuture<HeldLock> request = LockTemplate.with(operation.template(),
                () -> registry.acquireAsync(name, wait));
        request.thenAccept(this::acquired);
        return request;
    }

    /**
     * Starts holding {@code lock} past the call, for a future or a subscription; the hold counts
     * as in flight until {@link AsyncHold#end()}.
     *
     * @param lock a lock no thread owns
     * @return the hold
     */
    AsyncHold holdAsync(HeldLock lock) {
        return new AsyncHold(this, lock, inFlight);
    }

    /**
     * Runs the method with {@code lock} as the current lock.
     *
     * @param lock the held lock
     * @return what the method returned
     * @throws Throwable what the method threw
     */
    public Object proceed(HeldLock lock) throws Throwable {
        try (LockContextHolder.Scope scope = LockContextHolder.enter(lock)) {
            return invocation.proceed();
        }
    }

    /**
     * Runs the method once more (e.g. per subscription) with {@code lock} as the current lock.
     *
     * @param lock the held lock
     * @return what the method returned
     * @throws Throwable what the method threw
     */
    public Object proceedAgain(HeldLock lock) throws Throwable {
        if (!(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
            throw new IllegalStateException("Cannot re-run " + operation.describeMethod()
                    + " per subscription outside a Spring AOP proxy");
        }
        try (LockContextHolder.Scope scope = LockContextHolder.enter(lock)) {
            return proxyInvocation.invocableClone().proceed();
        }
    }

    /**
     * Releases {@code lock} of a call that ran on this thread: after the transaction the call
     * joined completes, if one is active, else now (or after {@code holdAtLeast}).
     *
     * @param lock the held lock
     */
    public void releaseOnThisThread(HeldLock lock) {
        if (JoinedTransactions.releaseAfterCompletion(lock, () -> release(lock))) {
            log.debug("Lock '{}' is released when the transaction that {} joined completes", name,
                    operation.describeMethod());
            return;
        }
        release(lock);
    }

    /**
     * Releases {@code lock}, also after it was lost; idempotent. With {@code holdAtLeast}, the
     * lock stays held, by no thread, until that long after its acquisition.
     *
     * @param lock the held lock
     */
    public void release(HeldLock lock) {
        if (log.isDebugEnabled() && lock.isHeld()) {
            log.debug("Releasing lock '{}' (fencing token {}) after {} ms for {}", name, lock.fencingToken(),
                    Duration.between(lock.acquiredAt(), Instant.now()).toMillis(), operation.describeMethod());
        }
        // a lost lock is released too: that frees the name in this JVM
        Duration holdAtLeast = operation.holdAtLeast();
        if (holdAtLeast == null) {
            lock.release();
        }
        else {
            lock.release(holdAtLeast);
        }
    }

    /** Logs that the call is skipped because the lock was not free in time. */
    public void logSkipped() {
        log.debug("Skipping {}: lock '{}' was not free within {}", operation.describeMethod(), name,
                wait == null ? "the default wait" : wait);
    }

    private void logWaiting() {
        if (log.isDebugEnabled()) {
            log.debug("Waiting for lock '{}' for {}", name, operation.describeMethod());
        }
    }

    private HeldLock acquired(HeldLock lock) {
        if (log.isDebugEnabled()) {
            log.debug("Acquired lock '{}' with fencing token {} for {}", name, lock.fencingToken(),
                    operation.describeMethod());
        }
        return lock;
    }
}
