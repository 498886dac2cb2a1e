package dev.slocket.spring.actuate;

import dev.slocket.LockInfo;
import dev.slocket.LockRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code locks} endpoint: the locks this instance holds or waits for, in every registry.
 * Read-only: nothing here releases anyone's lock.
 */
@Endpoint(id = "locks")
public class LocksEndpoint {

    private final Map<String, LockRegistry> registries;

    /** @param registries every registry by id, the primary first */
    public LocksEndpoint(Map<String, LockRegistry> registries) {
        this.registries = new LinkedHashMap<>(registries);
    }

    /** @return every lock held or awaited by this instance; {@code backend} is the primary registry's */
    @ReadOperation
    public LocksDescriptor locks() {
        Instant now = Instant.now();
        return new LocksDescriptor(registries.values().iterator().next().backendType(),
                descriptors(now).toList());
    }

    /**
     * @param name a lock name
     * @return that lock (the primary registry's first), or {@code null} (404) when this instance
     *         neither holds nor awaits it
     */
    @ReadOperation
    public LockDescriptor lock(@Selector String name) {
        return descriptors(Instant.now()).filter(lock -> lock.name().equals(name)).findFirst().orElse(null);
    }

    private Stream<LockDescriptor> descriptors(Instant now) {
        return registries.entrySet().stream().flatMap(registry -> registry.getValue().locks().stream()
                .map(lock -> LockDescriptor.of(registry.getKey(), lock, now)));
    }

    /**
     * @param backend the primary registry's backend type
     * @param locks the locks held or awaited, in every registry
     */
    public record LocksDescriptor(String backend, List<LockDescriptor> locks) {
    }

    /**
     * One lock.
     *
     * @param name the lock name
     * @param registry the id of the registry: {@code primary} or a {@code slocket.registries} id
     * @param backend the backend type
     * @param state {@code HELD} or {@code WAITING}
     * @param since when it was acquired, or when the wait began (ISO-8601)
     * @param heldFor how long it has been held (ISO-8601 duration); {@code null} while waiting
     * @param fencingToken the token of the hold; {@code null} while waiting
     * @param localWaiters threads of this instance queued for the name
     */
    public record LockDescriptor(String name, String registry, String backend, String state, String since,
            String heldFor, Long fencingToken, int localWaiters) {

        static LockDescriptor of(String registry, LockInfo lock, Instant now) {
            boolean held = lock.state() == LockInfo.State.HELD;
            return new LockDescriptor(lock.name(), registry, lock.backend(), lock.state().name(),
                    lock.since().toString(), held ? Duration.between(lock.since(), now).toString() : null,
                    lock.fencingToken().isPresent() ? lock.fencingToken().getAsLong() : null, lock.localWaiters());
        }
    }
}
