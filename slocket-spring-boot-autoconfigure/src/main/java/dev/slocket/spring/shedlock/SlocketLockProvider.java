package dev.slocket.spring.shedlock;

import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;

import java.time.Clock;
import java.util.Optional;

import net.javacrumbs.shedlock.core.ExtensibleLockProvider;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.SimpleLock;
import org.springframework.util.Assert;

/**
 * ShedLock's {@link ExtensibleLockProvider} over a slocket {@link LockRegistry}: {@code @SchedulerLock}
 * tasks run once at a time across every process that shares the backend.
 *
 * <ul>
 * <li>{@link #lock} never waits: it is empty when the name is held, by another process or by
 * this registry (any thread, including the caller's: ShedLock locks are not reentrant).</li>
 * <li>{@code lockAtLeastFor}: an unlock before the lock's {@code lockAtLeastUntil} defers the
 * release to that instant without holding a thread.</li>
 * <li>{@code lockAtMostFor} is not a release deadline: slocket never releases a lock whose holder
 * may still run. A holder that dies releases at once (socket), after {@code stale} (file) or
 * after the lease and margin (S3), whatever {@code lockAtMostFor} says.</li>
 * <li>{@link SimpleLock#extend} is supported: the lock stays held and its new
 * {@code lockAtLeastFor} counts from now.</li>
 * </ul>
 */
public final class SlocketLockProvider implements ExtensibleLockProvider {

    private final LockRegistry locks;

    private final Clock clock;

    /**
     * @param locks the slocket registry that decides who holds each name
     */
    public SlocketLockProvider(LockRegistry locks) {
        this(locks, Clock.systemUTC());
    }

    SlocketLockProvider(LockRegistry locks, Clock clock) {
        Assert.notNull(locks, "'locks' must not be null");
        this.locks = locks;
        this.clock = clock;
    }

    @Override
    public Optional<SimpleLock> lock(LockConfiguration configuration) {
        String name = configuration.getName();
        if (heldHere(name)) {
            return Optional.empty();
        }
        return locks.tryAcquire(name).map(held -> new SlocketSimpleLock(held, configuration.getLockAtLeastUntil(), clock));
    }

    private boolean heldHere(String name) {
        return locks.locks().stream()
                .anyMatch(info -> info.state() == LockInfo.State.HELD && info.name().equals(name));
    }
}
