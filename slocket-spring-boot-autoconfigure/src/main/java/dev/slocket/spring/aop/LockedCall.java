package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockInterruptedException;
import dev.slocket.LockLostException;
import dev.slocket.LockLoss;
import dev.slocket.LockRegistry;
import dev.slocket.LockTimeoutException;
import dev.slocket.SlocketException;
import dev.slocket.internal.LockContextHolder;
import dev.slocket.spi.LockTemplate;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.aopalliance.intercept.MethodInvocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.ProxyMethodInvocation;

/**
 * One intercepted call of a {@code @Mutexed} method with its evaluated lock name: acquires,
 * runs the method with {@link dev.slocket.LockContext} set, and releases, logging each step.
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

    private volatile LockLoss loss;

    LockedCall(MutexedOperation operation, String name, Duration wait, LockRegistry registry,
            MethodInvocation invocation, boolean interruptOnLoss, InFlightCalls inFlight) {
        this.interruptOnLoss = interruptOnLoss;
        this.inFlight = inFlight;
        this.operation = operation;
        this.name = name;
        this.wait = wait;
        this.registry = registry;
        this.invocation = invocation;
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

    /** @return what a skipped call returns */
    public Object skipped() {
        return operation.handler().skippedValue(returnType());
    }

    /**
     * Acquires a lock owned by the calling thread (reentrant for it).
     *
     * @return the lock, or {@code null} if the wait elapsed and the call is skipped
     */
    public HeldLock acquireOnThisThread() {
        logWaiting();
        Thread worker = Thread.currentThread();
        try {
            HeldLock lock = LockTemplate.with(operation.template(),
                    () -> wait == null ? registry.acquire(name) : registry.acquire(name, wait));
            lock.onLost(lost -> {
                loss = lost;
                if (interruptOnLoss) {
                    worker.interrupt();
                }
            });
            return acquired(lock);
        }
        catch (LockTimeoutException ex) {
            return timedOut(ex);
        }
    }

    /**
     * Waits on the calling thread for a lock that no thread owns, so it may be released from any
     * thread.
     *
     * @return the lock, or {@code null} if the wait elapsed and the call is skipped
     */
    public HeldLock acquireDetached() {
        CompletableFuture<HeldLock> future = acquireAsync();
        try {
            return future.get();
        }
        catch (InterruptedException ex) {
            if (!future.cancel(true) && !future.isCompletedExceptionally()) {
                release(future.join());
            }
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(name, ex);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof LockTimeoutException timeout) {
                return timedOut(timeout);
            }
            if (ex.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SlocketException("Acquiring lock '" + name + "' failed", ex.getCause());
        }
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
     * Ends a call whose lock was lost while the method ran: the work ran unprotected, and the
     * caller must know.
     *
     * @throws LockLostException if the lock acquired by {@link #acquireOnThisThread()} was lost
     */
    public void throwIfLost() {
        LockLoss lost = loss;
        if (lost != null) {
            throw new LockLostException(lost);
        }
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
     * Releases {@code lock}, also after it was lost; idempotent.
     *
     * @param lock the held lock
     */
    public void release(HeldLock lock) {
        if (lock.isHeld()) {
            log.debug("Releasing lock '{}' (fencing token {}) after {} ms for {}", name, lock.fencingToken(),
                    Duration.between(lock.acquiredAt(), Instant.now()).toMillis(), operation.describeMethod());
        }
        // a lost lock is released too: that frees the name in this JVM
        lock.release();
    }

    /** Logs that the call is skipped because the lock was not free in time. */
    public void logSkipped() {
        log.debug("Skipping {}: lock '{}' was not free within {}", operation.describeMethod(), name,
                wait == null ? "the default wait" : wait);
    }

    private HeldLock timedOut(LockTimeoutException ex) {
        if (!skipOnTimeout()) {
            throw ex;
        }
        logSkipped();
        return null;
    }

    private void logWaiting() {
        log.debug("Waiting for lock '{}' for {}", name, operation.describeMethod());
    }

    private HeldLock acquired(HeldLock lock) {
        log.debug("Acquired lock '{}' with fencing token {} for {}", name, lock.fencingToken(),
                operation.describeMethod());
        return lock;
    }
}
