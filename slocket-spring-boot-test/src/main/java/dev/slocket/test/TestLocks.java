package dev.slocket.test;

import dev.slocket.HeldLock;
import dev.slocket.LockRegistry;
import dev.slocket.internal.LocalLockRegistry;
import dev.slocket.spring.autoconfigure.SlocketRegistries;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Locks under a test's control, for tests of code that locks. The methods without a registry id
 * act on the primary registry; {@link #registry(String)} reaches a {@code slocket.registries} one.
 * Reset after each test method (with {@link AutoConfigureSlocket}).
 *
 * <pre>{@code
 * try (HeldLock other = testLocks.holdElsewhere("nightly-report")) {
 *     assertThat(reports.buildNightly()).isNull();            // @Mutexed(..., onTimeout = SKIP)
 * }
 * assertThat(testLocks.history()).hasTimedOut("nightly-report");
 * }</pre>
 */
public final class TestLocks implements AutoCloseable {

    private final Map<String, RegistryLocks> registries = new LinkedHashMap<>();

    private final HistoryRecorder history = new HistoryRecorder();

    /**
     * @param registries every registry of the application by id, the primary first under
     *        {@code primary}; the history records those built by {@code Slocket}
     */
    public TestLocks(Map<String, LockRegistry> registries) {
        registries.forEach((id, registry) -> {
            this.registries.put(id, new RegistryLocks(id, registry));
            if (registry instanceof LocalLockRegistry local) {
                local.addObserver(history.observer(id));
            }
        });
    }

    /**
     * @param id {@code primary} or the id of a {@code slocket.registries} registry
     * @return the test locks of that registry
     * @throws IllegalArgumentException if there is no such registry
     */
    public RegistryLocks registry(String id) {
        RegistryLocks locks = registries.get(id);
        if (locks == null) {
            throw new IllegalArgumentException("No registry '" + id + "'; known: " + registries.keySet());
        }
        return locks;
    }

    /**
     * Takes {@code name} in the primary registry as another process would hold it.
     *
     * @param name the lock name
     * @return the lock, held by no thread of the application
     * @see RegistryLocks#holdElsewhere(String)
     */
    public HeldLock holdElsewhere(String name) {
        return registry(SlocketRegistries.PRIMARY).holdElsewhere(name);
    }

    /**
     * Makes the current holder of {@code name} in the primary registry lose it.
     *
     * @param name the lock name
     * @see RegistryLocks#revoke(String)
     */
    public void revoke(String name) {
        registry(SlocketRegistries.PRIMARY).revoke(name);
    }

    /** @return the names the application holds now, in every registry */
    public Set<String> held() {
        Set<String> held = new TreeSet<>();
        registries.values().forEach(locks -> held.addAll(locks.held()));
        return held;
    }

    /** @return what the application's registries did since the last reset; assert with {@code assertThat} */
    public LockHistory history() {
        return new LockHistory(history.events());
    }

    /**
     * Releases what is held elsewhere and what the application still holds (a deferred release
     * included), and clears the history. Runs after each test method.
     */
    public void reset() {
        registries.values().forEach(RegistryLocks::reset);
        history.clear();
    }

    @Override
    public void close() {
        registries.values().forEach(RegistryLocks::close);
    }
}
