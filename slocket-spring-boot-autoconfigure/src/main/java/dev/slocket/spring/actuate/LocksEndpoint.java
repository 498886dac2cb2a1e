package dev.slocket.spring.actuate;

import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code locks} endpoint: the locks this instance holds or waits for. Read-only: nothing
 * here releases anyone's lock.
 */
@Endpoint(id = "locks")
public class LocksEndpoint {

    private final LockRegistry registry;

    /** @param registry the application's registry */
    public LocksEndpoint(LockRegistry registry) {
        this.registry = registry;
    }

    /** @return every lock held or awaited by this instance */
    @ReadOperation
    public LocksDescriptor locks() {
        Instant now = Instant.now();
        return new LocksDescriptor(registry.backendType(),
                registry.locks().stream().map(lock -> LockDescriptor.of(lock, now)).toList());
    }

    /**
     * @param name a lock name
     * @return that lock, or {@code null} (404) when this instance neither holds nor awaits it
     */
    @ReadOperation
    public LockDescriptor lock(@Selector String name) {
        Instant now = Instant.now();
        return registry.locks().stream().filter(lock -> lock.name().equals(name)).findFirst()
                .map(lock -> LockDescriptor.of(lock, now)).orElse(null);
    }

    /**
     * @param backend the backend type
     * @param locks the locks held or awaited
     */
    public record LocksDescriptor(String backend, List<LockDescriptor> locks) {
    }

    /**
     * One lock.
     *
     * @param name the lock name
     * @param backend the backend type
     * @param state {@code HELD} or {@code WAITING}
     * @param since when it was acquired, or when the wait began (ISO-8601)
     * @param heldFor how long it has been held (ISO-8601 duration); {@code null} while waiting
     * @param fencingToken the token of the hold; {@code null} while waiting
     * @param localWaiters threads of this instance queued for the name
     */
    public record LockDescriptor(String name, String backend, String state, String since, String heldFor,
            Long fencingToken, int localWaiters) {

        static LockDescriptor of(LockInfo lock, Instant now) {
            boolean held = lock.state() == LockInfo.State.HELD;
            return new LockDescriptor(lock.name(), lock.backend(), lock.state().name(), lock.since().toString(),
                    held ? Duration.between(lock.since(), now).toString() : null,
                    lock.fencingToken().isPresent() ? lock.fencingToken().getAsLong() : null, lock.localWaiters());
        }
    }
}
