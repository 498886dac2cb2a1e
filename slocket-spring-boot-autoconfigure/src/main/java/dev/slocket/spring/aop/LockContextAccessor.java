package dev.slocket.spring.aop;

import dev.slocket.HeldLock;
import dev.slocket.LockContext;
import dev.slocket.internal.LockContextHolder;

import java.util.ArrayDeque;
import java.util.Deque;

import io.micrometer.context.ThreadLocalAccessor;

/**
 * Lets Micrometer's context propagation carry {@link LockContext#current()} from a subscriber
 * context ({@link LockContext#CONTEXT_KEY}) to the thread an operator runs on, e.g. with
 * Reactor's automatic context propagation. Found through {@code META-INF/services}.
 */
public final class LockContextAccessor implements ThreadLocalAccessor<HeldLock> {

    /** The scopes this accessor opened on the thread, innermost first; a no-op where it set nothing. */
    private static final ThreadLocal<Deque<LockContextHolder.Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

    @Override
    public Object key() {
        return LockContext.CONTEXT_KEY;
    }

    @Override
    public HeldLock getValue() {
        return LockContextHolder.innermost();
    }

    @Override
    public void setValue(HeldLock lock) {
        SCOPES.get().push(LockContextHolder.enter(lock));
    }

    @Override
    public void setValue() {
        SCOPES.get().push(() -> {
        });
    }

    @Override
    public void restore(HeldLock previous) {
        restore();
    }

    @Override
    public void restore() {
        Deque<LockContextHolder.Scope> scopes = SCOPES.get();
        LockContextHolder.Scope scope = scopes.poll();
        if (scopes.isEmpty()) {
            SCOPES.remove();
        }
        if (scope != null) {
            scope.close();
        }
    }
}
