package dev.slocket.spring.actuate;

import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spi.BackendStatus;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * {@code UP} when the backend can take a lock now (as its {@code status()} decides), {@code DOWN}
 * with the backend's reason otherwise. Details: the backend's own (directory or bucket, ...),
 * the locks held and waited for by this instance, and the locks lost since start. With several
 * registries, the primary's details stay on top, each further registry's health is under
 * {@code registries}, and any registry that is down makes the whole indicator down.
 */
public final class SlocketHealthIndicator implements HealthIndicator {

    private final Map<String, LockRegistry> registries;

    private final Map<String, AtomicLong> lost = new LinkedHashMap<>();

    /**
     * @param registries every registry by id, the primary first; this indicator counts their lost
     *        locks from now on
     */
    public SlocketHealthIndicator(Map<String, LockRegistry> registries) {
        this.registries = new LinkedHashMap<>(registries);
        registries.forEach((id, registry) -> {
            AtomicLong count = new AtomicLong();
            lost.put(id, count);
            registry.addLockLostListener(loss -> count.incrementAndGet());
        });
    }

    @Override
    public Health health() {
        Health primary = null;
        Map<String, Health> others = new LinkedHashMap<>();
        for (Map.Entry<String, LockRegistry> entry : registries.entrySet()) {
            Health health = health(entry.getValue(), lost.get(entry.getKey()).get());
            if (primary == null) {
                primary = health;
            }
            else {
                others.put(entry.getKey(), health);
            }
        }
        if (others.isEmpty()) {
            return primary;
        }
        boolean anyDown = others.values().stream().anyMatch(health -> Status.DOWN.equals(health.getStatus()));
        return Health.status(anyDown ? Status.DOWN : primary.getStatus()).withDetails(primary.getDetails())
                .withDetail("registries", others).build();
    }

    private static Health health(LockRegistry registry, long lostLocks) {
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
                .withDetail("lostLocks", lostLocks).build();
    }
}
