package dev.slocket.spring.actuate;

import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spi.BackendStatus;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code UP} when the backend can take a lock now (as its {@code status()} decides), {@code DOWN}
 * with the backend's reason otherwise. Details: the backend's own (directory or bucket, ...),
 * the locks held and waited for by this instance, and the locks lost since start.
 */
public final class SlocketHealthIndicator implements HealthIndicator {

    private final LockRegistry registry;

    private final AtomicLong lost = new AtomicLong();

    /** @param registry the application's registry; this indicator counts its lost locks from now on */
    public SlocketHealthIndicator(LockRegistry registry) {
        this.registry = registry;
        registry.addLockLostListener(loss -> lost.incrementAndGet());
    }

    @Override
    public Health health() {
        LockCounts counts = LockCounts.of(registry.locks());
        Health.Builder builder = new Health.Builder();
        builder.withDetail("backend", registry.backendType());
        if (registry instanceof LocalLockRegistry local) {
            BackendStatus status = local.backendStatus();
            builder.withDetails(status.details());
            if (status.usable()) {
                builder.up();
            }
            else {
                builder.down().withDetail("reason", status.reason());
            }
        }
        else {
            builder.unknown().withDetail("reason", "the application's LockRegistry ("
                    + registry.getClass().getName() + ") does not report whether its backend is usable");
        }
        return builder.withDetail("held", counts.held()).withDetail("waiting", counts.waiting())
                .withDetail("lostLocks", lost.get()).build();
    }
}
