package dev.slocket.spring.shedlock;

import dev.slocket.HeldLock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import net.javacrumbs.shedlock.core.SimpleLock;

/**
 * One ShedLock hold of a slocket lock. Used once: after {@link #unlock()} or a successful
 * {@link #extend} it refuses further use, as ShedLock's own locks do.
 */
final class SlocketSimpleLock implements SimpleLock {

    private final HeldLock held;

    private final Instant lockAtLeastUntil;

    private final Clock clock;

    private final AtomicBoolean used = new AtomicBoolean();

    SlocketSimpleLock(HeldLock held, Instant lockAtLeastUntil, Clock clock) {
        this.held = held;
        this.lockAtLeastUntil = lockAtLeastUntil;
        this.clock = clock;
    }

    @Override
    public void unlock() {
        markUsed();
        held.releaseNoEarlierThan(lockAtLeastUntil);
    }

    @Override
    public Optional<SimpleLock> extend(Duration lockAtMostFor, Duration lockAtLeastFor) {
        if (!held.isHeld()) {
            return Optional.empty();
        }
        markUsed();
        return Optional.of(new SlocketSimpleLock(held, clock.instant().plus(lockAtLeastFor), clock));
    }

    private void markUsed() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("Lock '" + held.name() + "' was already unlocked or extended");
        }
    }
}
